// SPDX-License-Identifier: Apache-2.0
package io.obs.examples.shop.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.obs.examples.shop.StopSignal;
import io.obs.examples.shop.inventory.InventoryService;
import io.obs.examples.shop.order.OrderService;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Starts the shop's three services as processes of their own: order-service and inventory-service
 * on this launcher's class path, payment-service (a Spring Boot application) from its executable
 * jar. Prefixes each output line with the service name, prints where to look, sends a little
 * traffic (unless {@code --no-load}) and stops all three on Ctrl-C, SIGTERM or after {@code
 * --duration <seconds>}. Exits 0 when all three stopped cleanly. {@code --help} lists the options
 * and the port variables.
 *
 * <p>Ports come from the environment, with the defaults of the issue: {@code ORDER_PORT} 8080,
 * {@code ORDER_OBS_PORT} 9464, {@code INVENTORY_PORT} 8081, {@code INVENTORY_GRPC_PORT} 9090,
 * {@code INVENTORY_OBS_PORT} 9465, {@code PAYMENT_PORT} 8082, {@code PAYMENT_OBS_PORT} 9466.
 * Every other variable (e.g. {@code OTEL_TRACES_EXPORTER}) is passed on to every service
 * unchanged.
 */
public final class ShopLauncher {

  /** How long a service may take to answer {@code /healthz} after its start. */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  /** How long a service may take to stop after its input is closed. */
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

  private static final PrintStream OUT = System.out;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What {@code --help} prints. */
  static final String USAGE = """
      usage: java -jar examples/shop/target/shop-launcher.jar [--no-load] [--duration <seconds>] \
      [--syscalls]
        --no-load             send no traffic of the launcher's own
        --duration <seconds>  stop after this long (default: run until Ctrl-C or SIGTERM)
        --syscalls            let order-service's eBPF bridge run the syscall programs too; they
                              slow every process on this host while the demo runs (docs/ebpf.md)
      ports, from the environment: ORDER_PORT 8080, ORDER_OBS_PORT 9464, INVENTORY_PORT 8081,
        INVENTORY_GRPC_PORT 9090, INVENTORY_OBS_PORT 9465, PAYMENT_PORT 8082, PAYMENT_OBS_PORT 9466;
        every other variable (OTEL_*, OBS_*) goes to every service unchanged
      """;

  /** The command line: {@code --no-load}, {@code --duration <seconds>}, {@code --syscalls}. */
  public record Options(boolean load, long durationSeconds, boolean syscalls, boolean help) {

    public static Options parse(String... args) {
      boolean load = true;
      long duration = 0;
      boolean syscalls = false;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--no-load" -> load = false;
          case "--syscalls" -> syscalls = true;
          case "--help", "-h" -> {
            return new Options(load, duration, syscalls, true);
          }
          case "--duration" -> {
            if (i + 1 >= args.length) {
              throw new IllegalArgumentException("--duration needs a number of seconds");
            }
            duration = Long.parseLong(args[++i]);
            if (duration < 1) {
              throw new IllegalArgumentException("--duration must be at least 1 second");
            }
          }
          default -> throw new IllegalArgumentException(
              "unknown option '" + args[i] + "'; the options are --no-load, --duration <seconds>"
                  + " and --syscalls (--help says more)");
        }
      }
      return new Options(load, duration, syscalls, false);
    }
  }

  /** One started service. */
  private record Service(String name, Process process, int obsPort, int appPort, Thread pump) {}

  private ShopLauncher() {}

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("shop: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (options.help()) {
      OUT.print(USAGE);
      return;
    }
    System.exit(run(options));
  }

  static int run(Options options) throws Exception {
    StopSignal stop = StopSignal.install();
    Map<String, String> env = System.getenv();
    int orderPort = port(env, "ORDER_PORT", 8080);
    int orderObsPort = port(env, "ORDER_OBS_PORT", 9464);
    int inventoryPort = port(env, "INVENTORY_PORT", 8081);
    int grpcPort = port(env, "INVENTORY_GRPC_PORT", 9090);
    int inventoryObsPort = port(env, "INVENTORY_OBS_PORT", 9465);
    int paymentPort = port(env, "PAYMENT_PORT", 8082);
    int paymentObsPort = port(env, "PAYMENT_OBS_PORT", 9466);
    Path configDir;
    Path paymentJar;
    try {
      configDir = configDirectory();
      paymentJar = paymentJar(env, exampleModule(), Path.of("").toAbsolutePath());
    } catch (StartException e) {
      say(e.getMessage());
      return 1;
    }

    Map<String, String> orderEnv = new HashMap<>(Map.of(
        "ORDER_PORT", Integer.toString(orderPort),
        "ORDER_OBS_PORT", Integer.toString(orderObsPort),
        "INVENTORY_URL", "http://127.0.0.1:" + inventoryPort,
        "INVENTORY_GRPC_TARGET", "127.0.0.1:" + grpcPort,
        "PAYMENT_URL", "http://127.0.0.1:" + paymentPort));
    if (options.syscalls()) {
      // Off by default: the syscall programs tax every process on the host (docs/ebpf.md).
      orderEnv.put("OBS_EBPF_PROGRAMS_SYSCALLS", "true");
    }
    List<Service> services = new ArrayList<>();
    int exit = 0;
    try {
      services.add(
          startJava(
              "inventory-service",
              InventoryService.class,
              configDir,
              inventoryObsPort,
              inventoryPort,
              Map.of(
                  "INVENTORY_PORT", Integer.toString(inventoryPort),
                  "INVENTORY_GRPC_PORT", Integer.toString(grpcPort),
                  "INVENTORY_OBS_PORT", Integer.toString(inventoryObsPort))));
      services.add(startBoot("payment-service", paymentJar, paymentObsPort, paymentPort));
      services.add(
          startJava(
              "order-service",
              OrderService.class,
              configDir,
              orderObsPort,
              orderPort,
              orderEnv));
      for (Service service : services) {
        awaitHealthy(service);
      }
      printWhereToLook(orderPort, inventoryPort, grpcPort, paymentPort, services);

      Thread load = null;
      if (options.load()) {
        load = new Thread(() -> generateLoad(orderPort, stop), "shop-load");
        load.setDaemon(true);
        load.start();
      }
      boolean stopped =
          options.durationSeconds() > 0
              ? stop.await(options.durationSeconds(), TimeUnit.SECONDS)
              : waitForever(stop, services);
      say(stopped ? "stopping (" + stop.reason() + ")" : "stopping (--duration elapsed)");
      stop.trigger("stopping");
      if (load != null) {
        load.join(5_000);
      }
    } catch (StartException e) {
      say(e.getMessage());
      exit = 1;
    } finally {
      for (int i = services.size() - 1; i >= 0; i--) {
        int code = stopService(services.get(i));
        if (code != 0) {
          exit = 1;
        }
      }
    }
    say(exit == 0 ? "all three services stopped cleanly" : "stopped with errors");
    return exit;
  }

  /** Returns when a stop is requested; fails fast when a service dies on its own. */
  private static boolean waitForever(StopSignal stop, List<Service> services)
      throws InterruptedException, StartException {
    while (!stop.await(500, TimeUnit.MILLISECONDS)) {
      for (Service s : services) {
        if (!s.process().isAlive()) {
          throw new StartException(
              s.name() + " exited on its own with code " + s.process().exitValue());
        }
      }
    }
    return true;
  }

  /** A plain-Java service: its main class on this launcher's class path, its own obs.yaml. */
  private static Service startJava(
      String name,
      Class<?> mainClass,
      Path configDir,
      int obsPort,
      int appPort,
      Map<String, String> extraEnv)
      throws IOException {
    Path config = configDir.resolve(name).resolve("obs.yaml");
    List<String> command = new ArrayList<>();
    command.add(javaExecutable());
    // obs-logging routes java.util.logging into its JSON; should a service run without it, this
    // keeps each JUL record on one line (instead of the JDK's two) behind its service prefix.
    command.add("-Djava.util.logging.SimpleFormatter.format=%4$s %3$s: %5$s%6$s%n");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(extraEnv);
    builder.environment().put("OBS_CONFIG", config.toString());
    return start(name, builder, "config " + config, obsPort, appPort);
  }

  /**
   * A Spring Boot service, run as its users run it ({@code java -jar}); its configuration is the
   * {@code application.yml} inside the jar, and the ports are Boot command-line arguments, which
   * win over it.
   */
  private static Service startBoot(String name, Path jar, int obsPort, int appPort)
      throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(
            javaExecutable(),
            "-jar",
            jar.toString(),
            "--server.port=" + appPort,
            "--obs.server.port=" + obsPort);
    // Its obs settings are in its application.yml. An OBS_CONFIG the launcher inherited names an
    // obs.yaml meant for something else, whose keys would fill in the rest (its service.name
    // winning over spring.application.name).
    builder.environment().remove("OBS_CONFIG");
    return start(name, builder, "jar " + jar, obsPort, appPort);
  }

  private static Service start(
      String name, ProcessBuilder builder, String origin, int obsPort, int appPort)
      throws IOException {
    builder.redirectErrorStream(true);
    builder.environment().put("SHOP_STOP_ON_STDIN_EOF", "true");
    Process process = builder.start();
    Thread pump = new Thread(() -> prefix(name, process), name + "-output");
    pump.setDaemon(true);
    pump.start();
    say("started " + name + " (pid " + process.pid() + ", " + origin + ")");
    return new Service(name, process, obsPort, appPort, pump);
  }

  private static void prefix(String name, Process process) {
    String tag = String.format("%-17s | ", name);
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        synchronized (OUT) {
          OUT.println(tag + line);
        }
      }
    } catch (IOException e) {
      // The process is gone; its exit code is reported by stopService.
    }
  }

  private static void awaitHealthy(Service service) throws InterruptedException, StartException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    URI health = URI.create("http://127.0.0.1:" + service.obsPort() + "/healthz");
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!service.process().isAlive()) {
        throw new StartException(
            "could not start: " + service.name() + " exited with code "
                + service.process().exitValue() + " (see its lines above)");
      }
      try {
        HttpResponse<Void> response =
            client.send(
                HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(1)).build(),
                HttpResponse.BodyHandlers.discarding());
        // obs's endpoint server starts inside init(), before the service opens its own port.
        if (response.statusCode() == 200 && accepts(service.appPort())) {
          return;
        }
      } catch (IOException notYet) {
        // The endpoint server is not listening yet.
      }
      Thread.sleep(200);
    }
    throw new StartException("could not start: " + service.name() + " did not answer " + health + " within "
        + START_TIMEOUT.toSeconds() + "s");
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void printWhereToLook(
      int orderPort, int inventoryPort, int grpcPort, int paymentPort, List<Service> services) {
    String order = "http://127.0.0.1:" + orderPort;
    StringBuilder text = new StringBuilder();
    text.append("\n  shop is running. Try:\n")
        .append("    curl '").append(order).append("/orders/1?sku=sku-1&email=ada@example.com'\n")
        .append("    curl '").append(order).append("/orders/2?sku=sku-2&email=bob@example.com&fail=true'   (502, error trace)\n")
        .append("    curl '").append(order).append("/orders/3?sku=sku-3&email=eve@example.com&slow=800'    (slow trace)\n")
        .append("    curl '").append(order).append("/orders/4?sku=sku-4&email=ada@example.com&amount=750'  (402, payment declined)\n")
        .append("  inventory-service: http://127.0.0.1:").append(inventoryPort).append("/stock/sku-1")
        .append("  gRPC 127.0.0.1:").append(grpcPort).append('\n')
        .append("  payment-service:   http://127.0.0.1:").append(paymentPort)
        .append("/payments/authorize?order=1&amount=42.00&card=4111111111111111\n");
    for (Service s : services) {
      String obs = "http://127.0.0.1:" + s.obsPort();
      text.append(String.format("  %-17s  %s/metrics  %s/healthz  %s/readyz%n", s.name(), obs, obs, obs));
      readiness(s).ifPresent(r -> text.append("                     eBPF bridge: ").append(r).append('\n'));
    }
    String exporter = System.getenv("OTEL_TRACES_EXPORTER");
    text.append("  traces: ")
        .append(exporter == null ? "one line per finished trace, printed by each service (set"
            + " OTEL_TRACES_EXPORTER=zipkin and OTEL_EXPORTER_ZIPKIN_ENDPOINT to send them to Zipkin)" : "exported with " + exporter)
        .append("\n  Ctrl-C stops all three services.\n");
    say(text.toString());
  }

  /** What /readyz says about the eBPF bridge: on, or off and why. */
  private static Optional<String> readiness(Service service) {
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.obsPort() + "/readyz"))
                  .timeout(Duration.ofSeconds(3))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      // obs-ebpf-bridge reports whether its programs run, and why not, as a readiness check.
      JsonNode kernel = JSON.readTree(response.body()).path("checks").path("ebpf.kernel");
      return Optional.of(kernel.isMissingNode()
          ? "not on the class path"
          : kernel.path("detail").asText(kernel.path("status").asText()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** About one order a second: mostly fine, some slow, a few failing, a few declined. */
  private static void generateLoad(int orderPort, StopSignal stop) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    String[] customers = {"ada@example.com", "grace@example.org", "linus@example.net"};
    String[] channels = {"web", "web", "mobile"};
    ThreadLocalRandom random = ThreadLocalRandom.current();
    try {
      for (long n = 1; !stop.await(800 + random.nextInt(400), TimeUnit.MILLISECONDS); n++) {
        String query =
            "sku=sku-" + (1 + random.nextInt(5))
                + "&email=" + customers[random.nextInt(customers.length)]
                + "&channel=" + channels[random.nextInt(channels.length)]
                + "&amount=" + (n % 9 == 0 ? "750.00" : (10 + random.nextInt(290)) + ".90")
                + (n % 10 == 0 ? "&fail=true" : "")
                + (n % 7 == 0 ? "&slow=" + (300 + random.nextInt(700)) : "");
        try {
          client.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + orderPort + "/orders/" + n + "?" + query))
                  .timeout(Duration.ofSeconds(15))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
          // A request lost while the services stop is no reason to stop the load.
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int stopService(Service service) {
    Process process = service.process();
    try {
      // Closing stdin is the children's stop request (see StopSignal): orderly and portable.
      process.getOutputStream().close();
    } catch (IOException alreadyGone) {
      // Nothing to close.
    }
    try {
      if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        say(service.name() + " did not stop within " + STOP_TIMEOUT.toSeconds() + "s; killing it");
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        return -1;
      }
      service.pump().join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return -1;
    }
    int code = process.exitValue();
    say(service.name() + " exited with code " + code);
    return code;
  }

  private static String javaExecutable() {
    Optional<String> current = ProcessHandle.current().info().command();
    if (current.isPresent() && Files.isExecutable(Path.of(current.get()))) {
      return current.get();
    }
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * The directory holding {@code <service>/obs.yaml}: {@code SHOP_CONFIG_DIR}, else {@code
   * config/} of the example module, found from where this class was loaded ({@code
   * target/shop-launcher.jar} or {@code target/classes}).
   */
  static Path configDirectory() throws StartException {
    String explicit = System.getenv("SHOP_CONFIG_DIR");
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit).toAbsolutePath();
    }
    @Nullable Path module = exampleModule();
    if (module != null && Files.isDirectory(module.resolve("config"))) {
      return module.resolve("config");
    }
    Path local = Path.of("examples", "shop", "config").toAbsolutePath();
    if (Files.isDirectory(local)) {
      return local;
    }
    throw new StartException("could not start: cannot find the services' obs.yaml files; set SHOP_CONFIG_DIR to"
        + " the examples/shop/config directory");
  }

  /**
   * payment-service's executable jar: {@code SHOP_PAYMENT_JAR}, else {@code
   * shop-payment/target/payment-service.jar} beside the example module (its Maven module, built
   * before this one), else the same under {@code examples/} of the working directory.
   */
  static Path paymentJar(Map<String, String> env, @Nullable Path module, Path workingDir)
      throws StartException {
    String explicit = env.get("SHOP_PAYMENT_JAR");
    if (explicit != null && !explicit.isBlank()) {
      Path jar = workingDir.resolve(explicit.trim());
      if (!Files.isRegularFile(jar)) {
        throw new StartException("could not start: SHOP_PAYMENT_JAR names " + jar
            + ", which is not a file");
      }
      return jar;
    }
    Path relative = Path.of("shop-payment", "target", "payment-service.jar");
    List<Path> candidates = new ArrayList<>();
    if (module != null && module.getParent() != null) {
      candidates.add(module.getParent().resolve(relative));
    }
    candidates.add(workingDir.resolve("examples").resolve(relative));
    for (Path jar : candidates) {
      if (Files.isRegularFile(jar)) {
        return jar;
      }
    }
    throw new StartException("could not start: cannot find payment-service's jar (looked for "
        + candidates + "); build it with ./mvnw -q -pl examples/shop -am install -DskipTests, or"
        + " set SHOP_PAYMENT_JAR to it");
  }

  /**
   * The example module's directory, from where this class was loaded ({@code
   * target/shop-launcher.jar} or {@code target/classes}, two levels below it); null when unknown.
   */
  private static @Nullable Path exampleModule() {
    try {
      Path code =
          Path.of(ShopLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return code.getParent() == null ? null : code.getParent().getParent();
    } catch (URISyntaxException | SecurityException | NullPointerException e) {
      return null;
    }
  }

  private static int port(Map<String, String> env, String name, int defaultValue) {
    String value = env.get(name);
    return value == null || value.isBlank() ? defaultValue : Integer.parseInt(value.trim());
  }

  private static void say(String message) {
    synchronized (OUT) {
      OUT.println("shop              | " + message);
    }
  }

  /** A service could not be started. */
  static final class StartException extends Exception {
    StartException(String message) {
      super(message);
    }
  }
}
