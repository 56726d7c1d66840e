// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.obs.spring.boot.it.inventory.InventoryApp;
import io.obs.spring.boot.it.order.OrderApp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two real Spring Boot services with obs's starter and no obs code: order-service (Spring MVC on
 * Tomcat) and inventory-service (WebFlux on Netty), each in a JVM of its own. An order goes
 * order-service → RestClient → inventory-service → WebClient → order-service. A real Zipkin
 * receives the trace, a real Prometheus scrapes order-service, promtool checks the scrape, and the
 * services' own output is read line by line. The same test runs under Spring Boot 3.5 and 4.0
 * (modules boot3 and boot4).
 */
class SpringBootIT {

  private static final Duration START = Duration.ofSeconds(120);
  private static final Pattern TRACE_ID = Pattern.compile("\"trace_id\":\"([0-9a-f]{32})\"");

  private static Process zipkin;
  private static int zipkinPort;
  private static ChildApp order;
  private static ChildApp inventory;
  private static int orderPort;
  private static int orderObsPort;
  private static int inventoryPort;
  private static String orderLinesAtStart;
  private static String inventoryLinesAtStart;
  private static HttpResponse<String> orderResponse;

  @BeforeAll
  static void start() throws Exception {
    zipkinPort = Servers.freePort();
    zipkin = Servers.startZipkin(zipkinPort);
    orderPort = Servers.freePort();
    orderObsPort = Servers.freePort();
    inventoryPort = Servers.freePort();
    String zipkinUrl = "http://127.0.0.1:" + zipkinPort + "/api/v2/spans";
    order = ChildApp.start("order-service", OrderApp.class, List.of(
        "--spring.config.name=order",
        "--server.port=" + orderPort,
        "--obs.server.port=" + orderObsPort,
        "--obs.server.host=127.0.0.1",
        "--obs.traces.zipkin.endpoint=" + zipkinUrl,
        "--inventory.url=http://127.0.0.1:" + inventoryPort), Map.of());
    inventory = ChildApp.start("inventory-service", InventoryApp.class, List.of(
        "--spring.config.name=inventory",
        "--server.port=" + inventoryPort,
        "--obs.server.port=0",
        "--obs.server.host=127.0.0.1",
        "--obs.traces.zipkin.endpoint=" + zipkinUrl,
        "--orders.url=http://127.0.0.1:" + orderPort), Map.of());
    order.awaitHealthy(orderPort, START);
    inventory.awaitHealthy(inventoryPort, START);
    orderLinesAtStart = String.join("\n", order.lines());
    inventoryLinesAtStart = String.join("\n", inventory.lines());
    Servers.awaitZipkin(zipkin, zipkinPort);
    orderResponse = ChildApp.get(orderPort, "/orders/7");
  }

  @AfterAll
  static void stop() throws Exception {
    for (ChildApp app : new ChildApp[] {order, inventory}) {
      if (app != null) {
        app.close();
      }
    }
    Servers.stop(zipkin);
  }

  @Test
  void theOrderCrossesBothServices() {
    assertThat(orderResponse.statusCode()).as(orderResponse.body()).isEqualTo(200);
    assertThat(orderResponse.body()).isEqualTo("order 7: 3 in stock at 9.99");
  }

  @Test
  void zipkinHoldsOneTraceAcrossBothServicesWithRouteNamedSpans() throws Exception {
    String traceId = traceIdOf(order, "order 7 placed");
    List<Map<String, Object>> spans = awaitTrace(traceId, 6);

    Set<String> described = spans.stream()
        .map(span -> serviceOf(span) + " " + span.get("kind") + " " + span.get("name"))
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(described).containsExactlyInAnyOrder(
        "order-service SERVER get /orders/{id}",
        "order-service CLIENT get",
        "inventory-service SERVER get /stock/{sku}",
        "inventory-service CLIENT get",
        "order-service SERVER get /prices/{sku}",
        // An Observation, made a span by Micrometer Tracing's bridge on obs's SDK.
        "order-service null order.pricing");
    Map<String, Object> stock = spans.stream()
        .filter(span -> "get /stock/{sku}".equals(span.get("name"))).findFirst().orElseThrow();
    assertThat(tags(stock)).containsEntry("http.route", "/stock/{sku}")
        .containsEntry("http.response.status_code", "200");
    Map<String, Object> pricing = spans.stream()
        .filter(span -> "order.pricing".equals(span.get("name"))).findFirst().orElseThrow();
    Map<String, Object> orderSpan = spans.stream()
        .filter(span -> "get /orders/{id}".equals(span.get("name"))).findFirst().orElseThrow();
    assertThat(pricing.get("parentId")).isEqualTo(orderSpan.get("id"));
    assertThat(tags(pricing)).containsEntry("order.channel", "web");
  }

  @Test
  void aRestTemplateBeanPropagatesTheTraceToo() throws Exception {
    HttpResponse<String> response = ChildApp.get(orderPort, "/legacy/8");
    assertThat(response.body()).isEqualTo("legacy 8: 3 in stock at 9.99");
    String traceId = traceIdOf(order, "legacy order 8 checked");

    assertThat(awaitTrace(traceId, 4).stream().map(span -> serviceOf(span) + " " + span.get("name")))
        .contains("order-service get /legacy/{id}", "inventory-service get /stock/{sku}");
    assertThat(line(inventory, "stock of sku-8 checked")).contains(traceId);
  }

  @Test
  void bothServicesLogTheTraceInJsonWithThePersonalDataMasked() throws Exception {
    String traceId = traceIdOf(order, "order 7 placed");
    String placed = line(order, "order 7 placed");
    String checked = line(inventory, "stock of sku-7 checked");
    String audited = line(order, "audited order 7");

    assertThat(placed).contains("\"trace_id\":\"" + traceId + "\"")
        .contains("\"service.name\":\"order-service\"")
        .contains("placed for ****").doesNotContain("jane.doe@example.com");
    // Inside WebFlux's pipeline, on a Netty thread.
    assertThat(checked).contains("\"trace_id\":\"" + traceId + "\"")
        .contains("\"service.name\":\"inventory-service\"")
        .contains("checked for ****").doesNotContain("john.roe@example.com");
    // On Boot's task executor, from an @Async method.
    assertThat(audited).contains("\"trace_id\":\"" + traceId + "\"").contains("task-");
  }

  @Test
  void oneScrapeWithOneHttpHistogramByRouteAndEveryMeterOnce() throws Exception {
    // obs's endpoint server counts its own requests once it has served one; before that its
    // family is in neither scrape, after it in both. Run alone, this test would otherwise compare
    // a scrape made before that first count with one made after.
    scrapeObs();
    String obs = scrapeObs();
    String actuator = ChildApp.get(orderPort, "/actuator/prometheus").body();

    assertThat(families(actuator)).isEqualTo(families(obs));
    assertThat(families(obs))
        .contains("http_server_request_duration_seconds", "jvm_memory_used_bytes",
            "orders_placed_total", "http_client_request_duration_seconds")
        .doesNotContain("http_server_requests_seconds", "http_client_requests_seconds",
            "jvm_compilation_time_ms_total");
    assertThat(obs).contains("http_route=\"/orders/{id}\"").contains("http_route=\"/prices/{sku}\"")
        .contains("orders_placed_total{env=\"test\",service=\"order-service\"} 1.0");
    // Every family once: no second registry, no second JVM binder.
    List<String> typeLines = obs.lines().filter(l -> l.startsWith("# TYPE ")).toList();
    assertThat(typeLines).doesNotHaveDuplicates();
    // Actuator's own requests (the health polls at start, the scrape above) are left alone, as
    // Boot's observations leave them: no span, no histogram sample.
    assertThat(scrapeObs().lines().filter(l -> l.startsWith("http_server_request_duration")))
        .isNotEmpty()
        .noneMatch(l -> l.contains("/actuator"));
  }

  @Test
  void exemplarsOnBootMetersPointAtObsTraces() throws Exception {
    String traceId = traceIdOf(order, "order 7 placed");
    String openMetrics = ChildApp.get(orderObsPort, "/metrics",
        Map.of("Accept", "application/openmetrics-text; version=1.0.0")).body();

    assertThat(openMetrics.lines()
            .filter(l -> l.startsWith("orders_placed_total") && l.contains("trace_id=\"" + traceId))
            .toList())
        .as("orders_placed_total with an exemplar of trace %s in:%n%s", traceId, openMetrics)
        .hasSize(1);
  }

  @Test
  void promtoolAcceptsTheScrape() throws Exception {
    assumeTrue(Files.isExecutable(Servers.PROMTOOL), "promtool not installed");
    Path scrape = Path.of("target", "apps", "order-service.prom");
    Files.writeString(scrape, scrapeObs());
    Process promtool = new ProcessBuilder(Servers.PROMTOOL.toString(), "check", "metrics")
        .redirectInput(scrape.toFile()).redirectErrorStream(true).start();
    String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(promtool.exitValue()).as(output).isZero();
  }

  @Test
  void aRealPrometheusScrapesTheService() throws Exception {
    if (!Files.isExecutable(Servers.PROMETHEUS)) {
      System.out.println("SKIP Prometheus scrape: " + Servers.PROMETHEUS + " not installed");
    }
    assumeTrue(Files.isExecutable(Servers.PROMETHEUS), "prometheus not installed");
    Path dir = Files.createTempDirectory(Path.of("target"), "prometheus");
    int port = Servers.freePort();
    Files.writeString(dir.resolve("prometheus.yml"), "global:\n  scrape_interval: 1s\n"
        + "scrape_configs:\n  - job_name: order-service\n    static_configs:\n"
        + "      - targets: ['127.0.0.1:" + orderObsPort + "']\n");
    Process prometheus = new ProcessBuilder(Servers.PROMETHEUS.toString(),
            "--config.file=" + dir.resolve("prometheus.yml"),
            "--storage.tsdb.path=" + dir.resolve("data"),
            "--web.listen-address=127.0.0.1:" + port)
        .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    try {
      String query = "http_server_request_duration_seconds_count{http_route=\"/orders/{id}\","
          + "service=\"order-service\",job=\"order-service\"}";
      String answer = "";
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      for (int attempt = 0; attempt < 240 && System.nanoTime() < deadline; attempt++) {
        try {
          answer = ChildApp.HTTP.send(HttpRequest.newBuilder(URI.create(
                  "http://127.0.0.1:" + port + "/api/v1/query?query="
                      + java.net.URLEncoder.encode(query, StandardCharsets.UTF_8)))
                  .timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString()).body();
          if (answer.contains("\"value\":[")) {
            break;
          }
        } catch (IOException notYet) {
          answer = "not reachable yet";
        }
        Thread.sleep(250);
      }
      assertThat(answer).as("Prometheus answer to %s", query).contains("\"value\":[");
    } finally {
      Servers.stop(prometheus);
    }
  }

  @Test
  void actuatorHealthShowsObs() throws Exception {
    String health = ChildApp.get(orderPort, "/actuator/health").body();

    assertThat(health).contains("\"obs\":{").contains("\"start\":\"UP: started\"");
  }

  @Test
  void startUpLogsNoWarningOrError() {
    for (String output : List.of(orderLinesAtStart, inventoryLinesAtStart)) {
      // Up to Boot's "Started ... in n seconds": later lines belong to the requests (the health
      // checks' spans, exported before the test's Zipkin is up, are refused, as they should be).
      List<String> startUp = new ArrayList<>();
      for (String line : output.lines().toList()) {
        startUp.add(line);
        if (line.contains("\"message\":\"Started ")) {
          break;
        }
      }
      assertThat(startUp)
          .filteredOn(l -> l.contains("\"level\":\"WARN\"") || l.contains("\"level\":\"ERROR\""))
          .isEmpty();
      assertThat(startUp).anyMatch(l -> l.contains("\"message\":\"Started "));
      // Every line is obs's JSON from the first: no banner.
      assertThat(startUp).allMatch(l -> l.startsWith("{\""));
      assertThat(output).contains("obs: started service");
    }
  }

  @Test
  void anApplicationsOwnLogbackSpringXmlKeepsObsOutputAndSettings() throws Exception {
    int port = Servers.freePort();
    try (ChildApp custom = ChildApp.start("custom-logging", OrderApp.class, List.of(
        "--spring.config.name=order", "--spring.application.name=custom-service",
        "--logging.config=classpath:custom/logback-spring.xml",
        "--spring.profiles.active=debug",
        "--obs.redaction.mask=[hidden]",
        "--obs.logs.levels.org.springframework.web=warn",
        "--server.port=" + port, "--obs.server.port=0",
        "--inventory.url=http://127.0.0.1:" + inventoryPort), Map.of())) {
      custom.awaitHealthy(port, START);
      ChildApp.get(port, "/orders/9");
      String placed = line(custom, "order 9 placed");

      assertThat(placed).startsWith("{").contains("\"service.name\":\"custom-service\"")
          .contains("placed for [hidden]").containsPattern("\"trace_id\":\"[0-9a-f]{32}\"");
      // obs.logs.levels applies to the application's own Logback set-up as well.
      assertThat(custom.lines()).noneMatch(l -> l.contains("\"level\":\"INFO\"")
          && l.contains("\"logger\":\"org.springframework.web."));
    }
  }

  @Test
  void withTelemetryOffTheSameApplicationRunsUnchanged() throws Exception {
    int port = Servers.freePort();
    try (ChildApp off = ChildApp.start("off-service", OrderApp.class, List.of(
        "--spring.config.name=order", "--spring.application.name=off-service",
        "--server.port=" + port,
        "--inventory.url=http://127.0.0.1:" + inventoryPort), Map.of("OTEL_SDK_DISABLED", "true"))) {
      off.awaitHealthy(port, START);
      HttpResponse<String> response = ChildApp.get(port, "/orders/11");

      assertThat(response.body()).isEqualTo("order 11: 3 in stock at 9.99");
      assertThat(String.join("\n", off.lines())).contains("obs: telemetry is disabled")
          .doesNotContain("\"level\":\"ERROR\"");
    }
  }

  @Test
  void aBadObsPropertyStopsStartUpNamingItsFileLineAndTheNearestKey() throws Exception {
    try (ChildApp bad = ChildApp.start("bad-service", OrderApp.class, List.of(
        "--spring.config.name=bad", "--server.port=0", "--obs.server.port=0",
        "--inventory.url=http://127.0.0.1:1"), Map.of())) {
      assertThat(bad.awaitExit(START)).isNotZero();
      // Logged at ERROR as one JSON line for the log pipeline, and printed as text for people.
      assertThat(bad.lines()).anyMatch(l -> l.startsWith("{") && l.contains("\"level\":\"ERROR\"")
          && l.contains("APPLICATION FAILED TO START"));
      assertThat(bad.errors().lines().toList())
          .containsSubsequence("APPLICATION FAILED TO START", "Description:",
              "  - bad.yml:7:14: 'traces.sampler.ratoi': unknown key; did you mean"
                  + " 'traces.sampler.ratio'?", "Action:");
    }
  }

  @Test
  void withoutObsBomTheBootPinnedOpenTelemetryGetsOneClearErrorAndTheApplicationRuns()
      throws Exception {
    Path pinned = Path.of(System.getProperty("obs.boot.pinned"));
    List<String> old = new ArrayList<>();
    try (var files = Files.list(pinned)) {
      files.forEach(f -> old.add(f.toString()));
    }
    int port = Servers.freePort();
    try (ChildApp app = ChildApp.start("pinned-service", OrderApp.class, List.of(
            "--spring.config.name=order", "--spring.application.name=pinned-service",
            "--server.port=" + port, "--obs.server.port=0",
            "--inventory.url=http://127.0.0.1:1"), Map.of(),
        classPath -> {
          List<String> changed = new ArrayList<>(classPath.stream()
              .filter(e -> !e.matches(".*/opentelemetry-(api|context|sdk|sdk-common|sdk-trace"
                  + "|sdk-metrics|sdk-logs)-[0-9.]+\\.jar"))
              .toList());
          changed.addAll(old);
          return changed;
        })) {
      app.awaitHealthy(port, START);
      List<String> errors = app.lines().stream().filter(l -> l.contains("\"level\":\"ERROR\""))
          .toList();
      assertThat(errors).hasSize(1);
      assertThat(errors.get(0))
          .containsPattern("io.opentelemetry:opentelemetry-[a-z-]+ 1\\.(49|55)\\.0 is on the class"
              + " path")
          .contains("obs needs 1.63.0 or later").contains("import io.obs:obs-bom");
    }
  }

  // ------------------------------------------------------------------ helpers

  private static String scrapeObs() throws Exception {
    return ChildApp.get(orderObsPort, "/metrics").body();
  }

  private static Set<String> families(String scrape) {
    return scrape.lines().filter(l -> l.startsWith("# TYPE "))
        .map(l -> l.split(" ")[2]).collect(Collectors.toCollection(TreeSet::new));
  }

  private static String line(ChildApp app, String text) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : app.lines()) {
        if (line.contains(text)) {
          return line;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no line with '" + text + "' from " + app.name + ":\n"
        + app.output());
  }

  private static String traceIdOf(ChildApp app, String text) throws Exception {
    Matcher matcher = TRACE_ID.matcher(line(app, text));
    assertThat(matcher.find()).isTrue();
    return matcher.group(1);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> awaitTrace(String traceId, int spans) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response = ChildApp.HTTP.send(
          HttpRequest.newBuilder(URI.create(
              "http://127.0.0.1:" + zipkinPort + "/api/v2/trace/" + traceId))
              .timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      last = response.statusCode() + " " + response.body();
      if (response.statusCode() == 200) {
        List<Map<String, Object>> found = (List<Map<String, Object>>) Json.parse(response.body());
        if (found.size() >= spans) {
          return found;
        }
      }
      Thread.sleep(250);
    }
    throw new AssertionError("trace " + traceId + " did not reach Zipkin with " + spans
        + " spans: " + last);
  }

  @SuppressWarnings("unchecked")
  private static String serviceOf(Map<String, Object> span) {
    return String.valueOf(((Map<String, Object>) span.get("localEndpoint")).get("serviceName"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> tags(Map<String, Object> span) {
    return (Map<String, Object>) span.getOrDefault("tags", Map.of());
  }
}
