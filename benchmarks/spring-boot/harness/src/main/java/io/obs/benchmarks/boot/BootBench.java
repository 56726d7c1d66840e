// SPDX-License-Identifier: Apache-2.0
package io.obs.benchmarks.boot;

import io.obs.benchmarks.boot.OtlpSink.Counts;
import io.obs.benchmarks.boot.OtlpSink.Signal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Start-up and steady throughput of one Spring Boot MVC application in four builds (no
 * telemetry, Spring Boot's own Actuator and Micrometer Tracing, the OpenTelemetry Spring Boot
 * starter, obs's starter), in one run: every round starts
 * each variant once in a fresh JVM, in an order that rotates from round to round, so that whatever
 * else the shared machine does falls on all of them alike; the report gives medians and ranges,
 * and ratios as the median of each round's ratio.
 *
 * <p>Per run: the time from starting the process to the first 200 on {@code /orders/{id}}, Boot's
 * own "Started" line, then a {@code wrk} warm-up and a measured {@code wrk} run (requests per
 * second, p50 and p99 latency), the application's CPU per request and its peak RSS, and what it
 * exported to the in-process {@link OtlpSink} by the time it exited after SIGTERM.
 *
 * <p>Options (all optional): {@code --rounds 7 --warmup 10 --duration 20 --threads 1
 * --connections 16 --jvm "-Xmx512m" --variants none,actuator,otel,obs --apps benchmarks/spring-boot --out
 * benchmarks/results/spring-boot-DATE.md --work target/bootbench --quiet-load 1.5 --quiet-wait 1200
 * --label TEXT}. {@code --duration 0} measures start-up only. {@code --quiet-wait} is how long to wait, at most, for the 1-minute load average
 * to drop under {@code --quiet-load} before the first round; the run goes ahead either way and the
 * report says which.
 */
public final class BootBench {

  private static final Pattern STARTED = Pattern.compile(
      "Started \\S+ in ([0-9.]+) seconds \\(process running for ([0-9.]+)\\)");
  private static final Pattern LOADED_CLASSES =
      Pattern.compile("^java\\.cls\\.loadedClasses=(\\d+)", Pattern.MULTILINE);
  private static final Pattern WARNING = Pattern.compile("\\b(WARN|ERROR|WARNING)\\b");
  private static final int STARTUP_DEADLINE_SECONDS = 120;
  private static final int STOP_DEADLINE_SECONDS = 30;

  /** The variants, in the order tables show them; each names its module and jar. */
  static final Map<String, String> DESCRIPTIONS = new LinkedHashMap<>();

  static {
    DESCRIPTIONS.put("none", "no telemetry: spring-boot-starter-web (and micrometer-core for the counter's API)");
    DESCRIPTIONS.put("actuator", "Spring Boot's own: actuator, micrometer-registry-prometheus, micrometer-tracing-bridge-otel and opentelemetry-exporter-otlp at Boot's versions; spans over OTLP/HTTP, metrics on /actuator/prometheus (pull, not scraped), logs on the console only");
    DESCRIPTIONS.put("otel", "OpenTelemetry Spring Boot starter 2.31.1 (SDK 1.65.0) + actuator for the MeterRegistry bridge; traces, logs and metrics over OTLP/HTTP");
    DESCRIPTIONS.put("obs", "obs-spring-boot-starter with obs-bom; spans and logs over OTLP/HTTP, metrics on obs's Prometheus registry (pull, not scraped)");
  }

  private final Options options;
  private final OtlpSink sink;
  private final String java;
  private final AtomicReference<Process> live = new AtomicReference<>();

  private BootBench(Options options, OtlpSink sink) {
    this.options = options;
    this.sink = sink;
    this.java = ProcessHandle.current().info().command().orElse("java");
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    requireWrk();
    for (String variant : options.variants) {
      Path jar = options.jar(variant);
      if (!Files.isRegularFile(jar)) {
        throw new IllegalStateException(jar + " is missing: build benchmarks/spring-boot first (run.sh does)");
      }
    }
    Files.createDirectories(options.work);
    for (String variant : options.variants) {
      // Into the page cache, so that round 1 does not read its jars from disk and the later rounds
      // from memory.
      try (InputStream in = Files.newInputStream(options.jar(variant))) {
        in.transferTo(OutputStream.nullOutputStream());
      }
    }
    String before = uptime();
    Quiet quiet = waitForQuiet(options);
    List<Run> runs = new ArrayList<>();
    try (OtlpSink sink = OtlpSink.start(0)) {
      BootBench bench = new BootBench(options, sink);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        Process p = bench.live.get();
        if (p != null) {
          p.destroyForcibly();
        }
      }));
      for (int round = 1; round <= options.rounds; round++) {
        for (String variant : rotated(options.variants, round - 1)) {
          Run run = bench.runOnce(round, variant);
          runs.add(run);
          System.err.printf("round %d %-4s first %6.0f ms  started %5.2f s  start-up cpu %5.2f s"
                  + "  (others %.2f cores)  %7.0f req/s  p99 %6.2f ms  cpu %6.0f us/req  rss %4d MB"
                  + "  (others %.2f cores)  spans %d  logs %d%n",
              round, variant, run.firstResponseMillis(), run.bootStartedSeconds(),
              run.startupCpuSeconds(), run.otherCoresStartup(), run.requestsPerSecond(),
              run.p99Millis(), run.cpuMicrosPerRequest(), run.peakRssKb() / 1024, run.otherCores(),
              run.sink().get(Signal.TRACES).items(), run.sink().get(Signal.LOGS).items());
        }
      }
    }
    String after = uptime();
    String report = new Report(options, runs, quiet, before, after).markdown();
    System.out.println(report);
    Files.createDirectories(options.out.toAbsolutePath().getParent());
    Files.writeString(options.out, report);
    System.err.println("written to " + options.out);
  }

  /** The variants starting at the {@code shift}-th, wrapping around. */
  static List<String> rotated(List<String> variants, int shift) {
    List<String> out = new ArrayList<>(variants.size());
    for (int i = 0; i < variants.size(); i++) {
      out.add(variants.get((i + shift) % variants.size()));
    }
    return out;
  }

  private Run runOnce(int round, String variant) throws Exception {
    int port = freePort();
    String url = "http://127.0.0.1:" + port + "/orders/42";
    Path log = options.work.resolve(variant + "-round" + round + ".log");
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(options.jvmArgs);
    command.add("-jar");
    command.add(options.jar(variant).toString());
    command.add("--server.port=" + port);
    command.add("--server.address=127.0.0.1");
    command.add("--bench.sink.port=" + sink.port());

    Map<Signal, Counts> sinkBefore = sink.snapshot();
    double load1 = Proc.load1();
    CpuWindow startup = CpuWindow.open();
    long start = System.nanoTime();
    Process app = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    live.set(app);
    double firstResponse;
    double startupCpu;
    double startupOther;
    long classes;
    long warmRequests = 0;
    long errors = 0;
    Wrk.Result measured = null;
    double cpuPerRequest = Double.NaN;
    double measuredOther = Double.NaN;
    long rssKb;
    double stopMillis;
    try {
      firstResponse = firstResponse(app, url, start, log);
      long startupTicks = Proc.cpuTicks(app.pid());
      startupCpu = (double) startupTicks / Proc.TICKS_PER_SECOND;
      // The application started inside the window, so all its CPU so far is its own share.
      startupOther = startup.otherCores(startupTicks);
      classes = loadedClasses(app.pid());
      if (options.durationSeconds > 0) {
        if (options.warmupSeconds > 0) {
          Wrk.Result warm = Wrk.run(url, options.threads, options.connections, options.warmupSeconds);
          warmRequests = warm.requests();
          errors += warm.errors();
        }
        long app0 = Proc.cpuTicks(app.pid());
        CpuWindow window = CpuWindow.open();
        measured = Wrk.run(url, options.threads, options.connections, options.durationSeconds);
        long appTicks = Proc.cpuTicks(app.pid()) - app0;
        measuredOther = window.otherCores(appTicks);
        errors += measured.errors();
        cpuPerRequest = (double) appTicks / Proc.TICKS_PER_SECOND * 1e6
            / Math.max(1, measured.requests());
      }
      rssKb = Proc.peakRssKb(app.pid());
    } finally {
      stopMillis = stop(app);
      live.set(null);
    }
    Map<Signal, Counts> sinkDelta = new EnumMap<>(Signal.class);
    sink.snapshot().forEach((signal, counts) -> sinkDelta.put(signal, counts.minus(sinkBefore.get(signal))));

    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    double started = Double.NaN;
    double process = Double.NaN;
    List<String> warnings = new ArrayList<>();
    for (String line : lines) {
      Matcher m = STARTED.matcher(line);
      if (m.find() && Double.isNaN(started)) {
        started = Double.parseDouble(m.group(1));
        process = Double.parseDouble(m.group(2));
      }
      if (WARNING.matcher(line).find()) {
        warnings.add(line);
      }
    }
    long measuredRequests = measured == null ? 0 : measured.requests();
    return new Run(round, variant, firstResponse, started, process, startupCpu, classes,
        measured == null ? Double.NaN : measured.requestsPerSecond(),
        measured == null ? Double.NaN : measured.p50Millis(),
        measured == null ? Double.NaN : measured.p99Millis(),
        measuredRequests, 1 + warmRequests + measuredRequests, errors, cpuPerRequest, rssKb,
        startupOther, measuredOther, load1, stopMillis, sinkDelta, warnings);
  }

  /**
   * Polls the route until it answers 200: connection refused comes back at once, so polling every
   * few milliseconds costs the starting application nothing it would notice.
   */
  private static double firstResponse(Process app, String url, long start, Path log)
      throws IOException, InterruptedException {
    long deadline = start + TimeUnit.SECONDS.toNanos(STARTUP_DEADLINE_SECONDS);
    while (System.nanoTime() < deadline) {
      if (!app.isAlive()) {
        throw new IllegalStateException("the application exited with " + app.exitValue()
            + " before answering; its output is in " + log);
      }
      HttpURLConnection connection = null;
      try {
        connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setConnectTimeout(1000);
        connection.setReadTimeout(30_000);
        int status = connection.getResponseCode();
        try (InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
          if (body != null) {
            body.readAllBytes();
          }
        }
        if (status == 200) {
          return (System.nanoTime() - start) / 1e6;
        }
      } catch (IOException notYet) {
        // Not listening yet.
      } finally {
        if (connection != null) {
          connection.disconnect();
        }
      }
      Thread.sleep(5);
    }
    app.destroyForcibly();
    throw new IllegalStateException("no 200 from " + url + " within " + STARTUP_DEADLINE_SECONDS
        + " s; the application's output is in " + log);
  }

  /**
   * Classes loaded so far, from the JVM's performance counters through {@code jcmd}; -1 where
   * jcmd is missing. Read after the first response and before the warm-up, when nothing is timed.
   */
  private long loadedClasses(long pid) throws InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    if (!Files.isExecutable(jcmd)) {
      return -1;
    }
    try {
      Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "PerfCounter.print")
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      Matcher m = LOADED_CLASSES.matcher(out);
      return m.find() ? Long.parseLong(m.group(1)) : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  /** SIGTERM, as an orchestrator stops a service, so that exporters flush what they hold. */
  private static double stop(Process app) throws InterruptedException {
    long t0 = System.nanoTime();
    app.destroy();
    if (!app.waitFor(STOP_DEADLINE_SECONDS, TimeUnit.SECONDS)) {
      app.destroyForcibly();
      app.waitFor(10, TimeUnit.SECONDS);
      return Double.NaN;
    }
    return (System.nanoTime() - t0) / 1e6;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void requireWrk() {
    try {
      Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("wrk is not installed (Debian: apt-get install wrk)", e);
    }
  }

  private static String uptime() {
    try {
      Process p = new ProcessBuilder("uptime").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor(10, TimeUnit.SECONDS);
      return out;
    } catch (IOException | InterruptedException e) {
      return "uptime unavailable: " + e;
    }
  }

  /**
   * The machine's CPU over a stretch of time, to tell how much of it went to processes outside the
   * run: busy ticks of every core, minus the application's share, the finished children's (wrk)
   * and the harness's own (the sink included).
   */
  private record CpuWindow(long nanos, long busy, long children, long self) {
    static CpuWindow open() throws IOException {
      return new CpuWindow(System.nanoTime(), Proc.machineBusyTicks(),
          Proc.reapedChildrenCpuTicks(), Proc.cpuTicks(ProcessHandle.current().pid()));
    }

    /** Cores' worth of CPU other processes used since {@link #open}. */
    double otherCores(long appTicks) throws IOException {
      double seconds = (System.nanoTime() - nanos) / 1e9;
      long others = Proc.machineBusyTicks() - busy - appTicks
          - (Proc.reapedChildrenCpuTicks() - children)
          - (Proc.cpuTicks(ProcessHandle.current().pid()) - self);
      return Math.max(0, others) / (double) Proc.TICKS_PER_SECOND / seconds;
    }
  }

  /** How the wait for a quiet machine ended. */
  record Quiet(double load1, double waitedSeconds, boolean quiet) {}

  private static Quiet waitForQuiet(Options options) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    long deadline = t0 + TimeUnit.SECONDS.toNanos(options.quietWaitSeconds);
    double load = Proc.load1();
    while (load >= options.quietLoad && System.nanoTime() < deadline) {
      System.err.printf("1-minute load %.2f >= %.2f; waiting for a quieter machine%n", load,
          options.quietLoad);
      Thread.sleep(15_000);
      load = Proc.load1();
    }
    return new Quiet(load, (System.nanoTime() - t0) / 1e9, load < options.quietLoad);
  }

  /** Command-line options with their defaults. */
  static final class Options {
    int rounds = 7;
    int warmupSeconds = 10;
    int durationSeconds = 20;
    int threads = 1;
    int connections = 16;
    List<String> jvmArgs = List.of("-Xmx512m");
    List<String> variants = List.of("none", "actuator", "otel", "obs");
    Path apps = Path.of("benchmarks/spring-boot");
    Path out = Path.of("benchmarks/results/spring-boot-" + LocalDate.now() + ".md");
    Path work = Path.of("benchmarks/spring-boot/target/bootbench");
    double quietLoad = 1.5;
    int quietWaitSeconds = 1200;
    String label = "";

    Path jar(String variant) {
      return apps.resolve("app-" + variant).resolve("target").resolve("bench-" + variant + ".jar");
    }

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String name = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(name + " needs a value");
        }
        String value = args[++i];
        switch (name) {
          case "--rounds" -> o.rounds = positive(name, value);
          case "--warmup" -> o.warmupSeconds = nonNegative(name, value);
          case "--duration" -> o.durationSeconds = nonNegative(name, value);
          case "--threads" -> o.threads = positive(name, value);
          case "--connections" -> o.connections = positive(name, value);
          case "--jvm" -> o.jvmArgs = List.of(value.trim().split("\\s+"));
          case "--variants" -> o.variants = variants(value);
          case "--apps" -> o.apps = Path.of(value);
          case "--out" -> o.out = Path.of(value);
          case "--work" -> o.work = Path.of(value);
          case "--quiet-load" -> o.quietLoad = Double.parseDouble(value);
          case "--quiet-wait" -> o.quietWaitSeconds = Integer.parseInt(value);
          case "--label" -> o.label = value;
          default -> throw new IllegalArgumentException("unknown option " + name
              + "; known: --rounds --warmup --duration --threads --connections --jvm --variants"
              + " --apps --out --work --quiet-load --quiet-wait --label");
        }
      }
      return o;
    }

    private static int positive(String name, String value) {
      int n = Integer.parseInt(value);
      if (n < 1) {
        throw new IllegalArgumentException(name + " must be at least 1, not " + value);
      }
      return n;
    }

    private static int nonNegative(String name, String value) {
      int n = Integer.parseInt(value);
      if (n < 0) {
        throw new IllegalArgumentException(name + " must not be negative, not " + value);
      }
      return n;
    }

    private static List<String> variants(String value) {
      List<String> out = List.of(value.split(","));
      for (String v : out) {
        if (!DESCRIPTIONS.containsKey(v)) {
          throw new IllegalArgumentException("unknown variant " + v + "; known: " + DESCRIPTIONS.keySet());
        }
      }
      return out;
    }
  }
}
