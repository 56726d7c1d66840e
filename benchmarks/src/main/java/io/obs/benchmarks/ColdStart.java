// SPDX-License-Identifier: Apache-2.0
package io.obs.benchmarks;

import io.obs.Observability;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Cold start of {@code Observability.init()} in fresh JVMs, broken down by module, against
 * baselines measured in fresh JVMs of the same run. Run through {@code ColdStart report <runs>
 * [variant,...]}; one child JVM per measurement, variants interleaved round by round so machine
 * noise hits all of them alike. Every figure is a median; the ratio to the bare SDK is the median
 * of each round's ratio (see {@link #pairedRatio}).
 *
 * <p>Variants:
 *
 * <ul>
 *   <li>{@code sdk}: a bare OpenTelemetry SDK built by hand (the baseline);
 *   <li>{@code logback}: the first log line through SLF4J with plain Logback (obs-logging removed
 *       from the child's classpath), which every application that logs pays with or without obs;
 *   <li>{@code logback-obs}: the same first log line with obs-logging's configurator on the
 *       classpath (JSON encoder and Jackson), still without {@code Observability.init()};
 *   <li>{@code core}, {@code core+<module>}: obs with every module switched off but the named one
 *       ({@code OBS_MODULES_<NAME>_ENABLED=false});
 *   <li>{@code all}: obs with every module, Logback initialised inside init (by its first line);
 *   <li>{@code all-logged}: obs with every module after the application already logged one line,
 *       so the time and heap are obs's own on top of Logback.
 * </ul>
 *
 * <p>Each child prints one line: {@code COLDSTART <variant> <init micros> <started micros>
 * <retained heap bytes> <init cpu micros>}. {@code init} is the time until {@code init()} returns,
 * which is what the application waits for; {@code started} the time until obs's background
 * start-up has finished as well (server bound, every module started). Retained heap is used heap
 * right after repeated full GCs once started, minus the same just before the timed part. {@code
 * init cpu} is the CPU time the whole process used while {@code init()} ran, every thread
 * included: the JIT compilers', Logback's start and obs's start-up thread as well as the caller's.
 * Compared with {@code init}, it shows how far the start-up already runs in parallel.
 *
 * <p>A variant suffixed {@code -cds} ({@code sdk-cds}, {@code all-cds}) runs with a dynamic
 * class-data sharing archive (AppCDS) made by one training run of the same variant before the
 * rounds start: the JVM then maps the classes it loaded at start-up instead of reading, parsing and
 * verifying them again, which is what most of a cold start is. The children's class path is all
 * jars then (CDS refuses directories), so the harness's own classes go into a temporary jar.
 *
 * <p>A variant suffixed {@code @before} (say {@code all@before}) runs in a child whose classpath is
 * the system property {@code coldstart.before.cp}, to compare two builds of obs in one run.
 */
public final class ColdStart {

  private static final String[] MODULES = {"tracing", "metrics", "logging", "ebpf"};

  private static final List<String> ALL_VARIANTS = List.of("sdk", "logback", "logback-obs", "core",
      "core+tracing", "core+metrics", "core+logging", "core+ebpf", "all", "all-logged", "sdk-cds",
      "all-cds");

  private static final String CDS = "-cds";

  /** Per variant, the class-data archive of its training run; made on first use. */
  private static final Map<String, Path> ARCHIVES = new HashMap<>();

  /**
   * Per class-path directory, the jar made of it, made once: an archive is only used with the
   * class path it was made with.
   */
  private static final Map<Path, Path> JARS = new HashMap<>();

  private ColdStart() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("report")) {
      report(args.length > 1 ? Integer.parseInt(args[1]) : 10,
          args.length > 2 ? Arrays.asList(args[2].split(",")) : ALL_VARIANTS);
      return;
    }
    String variant = args.length > 0 ? args[0] : "all";
    if (variant.equals("all-logged")) {
      // The application's own first log line, outside the measured part.
      org.slf4j.LoggerFactory.getLogger("app").info("application starting");
    }
    long before = settledHeap();
    long cpuStart = processCpuNanos();
    long start = System.nanoTime();
    AutoCloseable running;
    if (variant.equals("sdk")) {
      running = bareSdk();
    } else if (variant.startsWith("logback")) {
      org.slf4j.LoggerFactory.getLogger("app").info("application starting");
      running = () -> { };
    } else {
      running = obs();
    }
    long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
    long cpuMicros = TimeUnit.NANOSECONDS.toMicros(processCpuNanos() - cpuStart);
    if (running instanceof Observability obs && !obs.awaitStarted(Duration.ofSeconds(30))) {
      throw new IllegalStateException("obs did not finish starting within 30 s");
    }
    long startedMicros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
    long after = settledHeap();
    System.out.println("COLDSTART " + variant + " " + micros + " " + startedMicros + " "
        + (after - before) + " " + cpuMicros);
    if (System.getenv("COLDSTART_HOLD") != null) {
      // Keeps the JVM alive for jcmd GC.class_histogram.
      Thread.sleep(Long.parseLong(System.getenv("COLDSTART_HOLD")) * 1000);
    }
    running.close();
  }

  private static AutoCloseable obs() {
    return Observability.builder()
        .set("server.port", "0")
        .set("server.host", "127.0.0.1")
        .set("shutdown.hook", "false")
        .set("service.name", "cold-start")
        .build();
  }

  private static AutoCloseable bareSdk() {
    Resource resource = Resource.getDefault().merge(Resource.create(
        io.opentelemetry.api.common.Attributes.of(
            io.opentelemetry.api.common.AttributeKey.stringKey("service.name"), "cold-start")));
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().setResource(resource).build())
        .setMeterProvider(SdkMeterProvider.builder().setResource(resource).build())
        .setLoggerProvider(SdkLoggerProvider.builder().setResource(resource).build())
        .setPropagators(ContextPropagators.create(TextMapPropagator.composite(
            W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance())))
        .build();
    return sdk;
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * Live heap after full collections: what each heap pool held right after the last collection
   * ({@link java.lang.management.MemoryPoolMXBean#getCollectionUsage}), young pools included
   * since a serial full collection may leave live objects there. Not the pools' current use:
   * other threads allocate right after a collection, Micrometer's GC metrics most of all (each
   * collection's notification builds its GcInfo data), and that garbage is not retained.
   */
  private static long settledHeap() throws InterruptedException {
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(20);
    }
    System.gc();
    long live = 0;
    for (java.lang.management.MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      java.lang.management.MemoryUsage afterCollection = pool.getCollectionUsage();
      if (pool.getType() == java.lang.management.MemoryType.HEAP && afterCollection != null) {
        live += afterCollection.getUsed();
      }
    }
    return live;
  }

  private static void report(int runs, List<String> variants) throws Exception {
    for (String variant : variants) {
      if (!ALL_VARIANTS.contains(mode(variant))) {
        throw new IllegalArgumentException("unknown variant " + variant + "; one of "
            + ALL_VARIANTS);
      }
    }
    Map<String, List<Long>> micros = new LinkedHashMap<>();
    Map<String, List<Long>> startedMicros = new LinkedHashMap<>();
    Map<String, List<Long>> bytes = new LinkedHashMap<>();
    Map<String, List<Long>> cpuMicros = new LinkedHashMap<>();
    for (String variant : variants) {
      micros.put(variant, new ArrayList<>());
      startedMicros.put(variant, new ArrayList<>());
      bytes.put(variant, new ArrayList<>());
      cpuMicros.put(variant, new ArrayList<>());
    }
    for (int i = 0; i < runs; i++) {
      // Rotate the order each round so no variant always runs right after a heavy one.
      for (int v = 0; v < variants.size(); v++) {
        String variant = variants.get((v + i) % variants.size());
        long[] result = child(variant);
        micros.get(variant).add(result[0]);
        startedMicros.get(variant).add(result[1]);
        bytes.get(variant).add(result[2]);
        if (result[3] >= 0) {
          cpuMicros.get(variant).add(result[3]);
        }
      }
    }
    List<Long> sdkMicros = micros.get("sdk");
    long sdkBytes = bytes.containsKey("sdk") ? median(bytes.get("sdk")) : 0;
    System.out.printf("cold start over %d fresh JVMs per variant (medians; min-max in brackets;"
        + " x sdk is the median of each round's ratio to the bare SDK)%n", runs);
    System.out.printf("  %-19s %9s %17s %8s %11s %12s %9s %9s%n", "variant", "init ms",
        "[min-max]", "x sdk", "init cpu ms", "started ms", "heap MB", "+sdk MB");
    for (String variant : variants) {
      long m = median(micros.get(variant));
      long b = median(bytes.get(variant));
      List<Long> cpu = cpuMicros.get(variant);
      System.out.printf("  %-19s %9.1f [%6.1f-%7.1f] %8s %11s %12.1f %9.2f %9s%n", variant,
          m / 1000.0,
          Collections.min(micros.get(variant)) / 1000.0,
          Collections.max(micros.get(variant)) / 1000.0,
          sdkMicros != null ? String.format("%.2f", pairedRatio(micros.get(variant), sdkMicros))
              : "-",
          cpu.isEmpty() ? "-" : String.format("%.0f", median(cpu) / 1000.0),
          median(startedMicros.get(variant)) / 1000.0,
          b / 1e6,
          sdkMicros != null ? String.format("%+.2f", (b - sdkBytes) / 1e6) : "-");
    }
  }

  private static String mode(String variant) {
    return variant.endsWith("@before") ? variant.substring(0, variant.length() - 7) : variant;
  }

  /**
   * Runs one fresh JVM for the variant; returns {init micros, started micros, retained bytes, init
   * cpu micros or -1}.
   */
  private static long[] child(String variantName) throws Exception {
    String mode = mode(variantName);
    boolean cds = mode.endsWith(CDS);
    String variant = cds ? mode.substring(0, mode.length() - CDS.length()) : mode;
    String classpath = variantName.equals(mode)
        ? System.getProperty("java.class.path")
        : System.getProperty("coldstart.before.cp");
    if (classpath == null) {
      throw new IllegalArgumentException(variantName + " needs -Dcoldstart.before.cp");
    }
    // The child runs no JMH benchmark: the harness's own libraries are not on an application's
    // class path, and they would make obs's ServiceLoader scan open three more jars (commons-math3
    // alone has 1,400 entries). Plain Logback goes without obs-logging's configurator and encoder.
    List<String> entries = new ArrayList<>();
    for (String entry : classpath.split(File.pathSeparator)) {
      String name = new File(entry).getName();
      boolean harness = name.startsWith("jmh-") || name.startsWith("jopt-simple-")
          || name.startsWith("commons-math3-");
      boolean obsLogging = entry.contains("obs-logging") || entry.contains("logstash");
      if (!harness && !(variant.equals("logback") && obsLogging)) {
        entries.add(entry);
      }
    }
    classpath = String.join(File.pathSeparator, entries);
    List<String> jvmOptions = new ArrayList<>(List.of("-XX:+UseSerialGC"));
    if (cds) {
      classpath = jarsOnly(classpath);
      jvmOptions.add("-XX:SharedArchiveFile=" + archive(variantName, variant, classpath));
    }
    String line = run(variant, classpath, jvmOptions);
    // Older builds of the harness (run as @before) print fewer figures: no started figure (nothing
    // ran after init), no CPU figure (-1).
    String[] parts = line.trim().split(" ");
    long init = Long.parseLong(parts[2]);
    if (parts.length == 4) {
      return new long[] {init, init, Long.parseLong(parts[3]), -1};
    }
    return new long[] {init, Long.parseLong(parts[3]), Long.parseLong(parts[4]),
        parts.length > 5 ? Long.parseLong(parts[5]) : -1};
  }

  /** Runs one child JVM of the variant and returns the line it printed. */
  private static String run(String variant, String classpath, List<String> jvmOptions)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", classpath, ColdStart.class.getName(), variant));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
    if (variant.startsWith("core")) {
      String kept = variant.startsWith("core+") ? variant.substring("core+".length()) : "";
      for (String module : MODULES) {
        if (!module.equals(kept)) {
          builder.environment().put(
              "OBS_MODULES_" + module.toUpperCase(Locale.ROOT) + "_ENABLED", "false");
        }
      }
    }
    Process process = builder.start();
    String line = null;
    for (String l : new String(process.getInputStream().readAllBytes()).split("\n")) {
      if (l.startsWith("COLDSTART " + variant + " ")) {
        line = l;
      }
    }
    if (!process.waitFor(60, TimeUnit.SECONDS) || line == null) {
      throw new IllegalStateException("child JVM for " + variant + " failed");
    }
    return line;
  }

  /**
   * The class-data archive for a {@code -cds} variant: one training run of the variant that writes
   * what it loaded when it exits ({@code -XX:ArchiveClassesAtExit}), made once per report.
   */
  private static Path archive(String variantName, String variant, String classpath)
      throws Exception {
    Path archive = ARCHIVES.get(variantName);
    if (archive == null) {
      archive = Files.createTempFile("coldstart-" + variant + "-", ".jsa");
      Files.delete(archive);
      archive.toFile().deleteOnExit();
      run(variant, classpath, List.of("-XX:+UseSerialGC", "-XX:ArchiveClassesAtExit=" + archive));
      if (!Files.isRegularFile(archive)) {
        throw new IllegalStateException("the training run of " + variantName
            + " wrote no class-data archive to " + archive);
      }
      ARCHIVES.put(variantName, archive);
    }
    return archive;
  }

  /** The class path with each directory replaced by a temporary jar of its files. */
  private static String jarsOnly(String classpath) throws IOException {
    List<String> entries = new ArrayList<>();
    for (String entry : classpath.split(File.pathSeparator)) {
      Path path = Path.of(entry);
      entries.add(Files.isDirectory(path) ? jarOf(path).toString() : entry);
    }
    return String.join(File.pathSeparator, entries);
  }

  private static Path jarOf(Path directory) throws IOException {
    Path made = JARS.get(directory);
    if (made != null) {
      return made;
    }
    Path jar = Files.createTempFile("coldstart-classes-", ".jar");
    jar.toFile().deleteOnExit();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(directory)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      for (Path file : files) {
        out.putNextEntry(new JarEntry(directory.relativize(file).toString().replace('\\', '/')));
        Files.copy(file, out);
        out.closeEntry();
      }
    }
    JARS.put(directory, jar);
    return jar;
  }

  /**
   * The median over rounds of the variant's time divided by the bare SDK's time in the same round.
   * Both ran within seconds of each other, so a slow or fast phase of a shared machine (steal
   * time, another tenant) moves both and mostly cancels out, which a ratio of the two medians,
   * taken from different rounds, does not do.
   */
  private static double pairedRatio(List<Long> variant, List<Long> sdk) {
    List<Double> ratios = new ArrayList<>();
    for (int round = 0; round < variant.size(); round++) {
      ratios.add((double) variant.get(round) / sdk.get(round));
    }
    Collections.sort(ratios);
    return ratios.get(ratios.size() / 2);
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
