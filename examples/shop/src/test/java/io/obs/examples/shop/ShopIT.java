// SPDX-License-Identifier: Apache-2.0
package io.obs.examples.shop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import io.obs.examples.shop.docs.DocBlocks;
import io.obs.logging.LogFields;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Runs the demo as a newcomer does ({@code java -jar shop-launcher.jar}, three service processes,
 * payment-service a Spring Boot application with obs's starter) with traces sent to a real Zipkin
 * server, drives the normal, failing, slow and declined paths, and checks every signal: the trace
 * in Zipkin, the log lines on standard output, the metrics on every {@code /metrics} endpoint, and
 * a clean stop with exit code 0.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShopIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** A test card number (Mastercard's): 16 digits passing the Luhn check, as obs detects them. */
  private static final String CARD = "5555555555554444";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
  private static final Duration TRACE_TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<String> output = new CopyOnWriteArrayList<>();
  private final List<String> zipkinOutput = new CopyOnWriteArrayList<>();
  private @Nullable Process zipkin;
  private @Nullable Process shop;
  private int zipkinPort;
  private int orderPort;
  private int orderObsPort;
  private int inventoryObsPort;
  private int paymentObsPort;

  @BeforeAll
  void startZipkinAndShop() throws Exception {
    Path zipkinJar = Path.of(System.getProperty("obs.zipkin.jar", "target/zipkin/zipkin.jar"));
    Path shopJar = Path.of(System.getProperty("obs.shop.jar", "target/shop-launcher.jar"));
    assertThat(zipkinJar).as("zipkin exec jar copied by maven-dependency-plugin").isRegularFile();
    assertThat(shopJar).as("launcher jar built in the package phase").isRegularFile();

    zipkinPort = freePort();
    zipkin =
        new ProcessBuilder(
                java(), "-Xmx256m", "-jar", zipkinJar.toString(),
                "--server.port=" + zipkinPort,
                "--armeria.ports[0].port=" + zipkinPort,
                "--armeria.ports[0].ip=127.0.0.1",
                "--armeria.ports[0].protocols[0]=http")
            .redirectErrorStream(true)
            .start();
    pump(zipkin, zipkinOutput);

    orderPort = freePort();
    orderObsPort = freePort();
    inventoryObsPort = freePort();
    paymentObsPort = freePort();
    ProcessBuilder launcher =
        new ProcessBuilder(java(), "-jar", shopJar.toString(), "--no-load", "--syscalls")
            .redirectErrorStream(true);
    Map<String, String> env = launcher.environment();
    env.put("ORDER_PORT", Integer.toString(orderPort));
    env.put("ORDER_OBS_PORT", Integer.toString(orderObsPort));
    env.put("INVENTORY_PORT", Integer.toString(freePort()));
    env.put("INVENTORY_GRPC_PORT", Integer.toString(freePort()));
    env.put("INVENTORY_OBS_PORT", Integer.toString(inventoryObsPort));
    env.put("PAYMENT_PORT", Integer.toString(freePort()));
    env.put("PAYMENT_OBS_PORT", Integer.toString(paymentObsPort));
    // The two variables the README names: nothing else changes to send traces to Zipkin.
    env.put("OTEL_TRACES_EXPORTER", "zipkin");
    env.put("OTEL_EXPORTER_ZIPKIN_ENDPOINT", "http://127.0.0.1:" + zipkinPort + "/api/v2/spans");
    env.put("OBS_TRACES_BATCH_SCHEDULE_DELAY", "100ms");
    env.remove("OBS_CONFIG");

    awaitHttp200(URI.create("http://127.0.0.1:" + zipkinPort + "/health"), zipkin, zipkinOutput);
    shop = launcher.start();
    pump(shop, output);
    awaitLine(line -> line.contains("shop is running"), START_TIMEOUT);
    // The first request pays for class loading and connection set-up in three JVMs; on a busy
    // machine that can exceed the order's deadlines, and it is not what these tests are about.
    get("/orders/0?sku=warm-up&email=warm-up@example.com");
  }

  @AfterAll
  void stopEverything() throws InterruptedException, IOException {
    for (Process p : new Process[] {shop, zipkin}) {
      if (p != null && p.isAlive()) {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
    // Kept for whoever reads a failure: everything the services printed.
    Files.write(Path.of("target", "shop-it-output.log"), output, StandardCharsets.UTF_8);
  }

  @Test
  @Order(1)
  void placedOrderIsOneTraceAcrossAllThreeServicesInZipkin() throws Exception {
    HttpResponse<String> response =
        get("/orders/101?sku=sku-1&email=ada.lovelace@example.com&channel=web");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("result").asText()).isEqualTo("placed");
    String traceId = body.path("trace_id").asText();
    assertThat(traceId).matches("[0-9a-f]{32}");

    JsonNode spans =
        awaitTrace(
            traceId,
            t -> services(t).containsAll(
                    List.of("order-service", "inventory-service", "payment-service"))
                && names(t).containsAll(
                    List.of("get /orders/{id}", "get /stock/{sku}", "shop.inventory/reserve",
                        "get /payments/authorize"))
                && count(t, s -> s.path("kind").asText().equals("SERVER")) >= 4);

    assertThat(spans).allSatisfy(s -> assertThat(s.path("traceId").asText()).isEqualTo(traceId));
    // The tenant-id baggage entry set by order-service is an attribute on the other services'
    // spans, payment-service's included: the starter takes traces.baggage.attributes from
    // application.yml.
    assertThat(spans)
        .filteredOn(s -> List.of("inventory-service", "payment-service")
            .contains(s.path("localEndpoint").path("serviceName").asText()))
        .hasSizeGreaterThanOrEqualTo(3)
        .allSatisfy(s -> assertThat(s.path("tags").path("tenant-id").asText()).isEqualTo("acme"));
    // payment-service's route-named server span continues order-service's client call.
    JsonNode payment = serverSpan(spans, "get /payments/authorize");
    assertThat(payment.path("localEndpoint").path("serviceName").asText())
        .isEqualTo("payment-service");
    assertThat(payment.path("tags").path("http.route").asText()).isEqualTo("/payments/authorize");
    assertThat(spans)
        .filteredOn(s -> s.path("id").asText().equals(payment.path("parentId").asText()))
        .singleElement()
        .satisfies(client -> {
          assertThat(client.path("kind").asText()).isEqualTo("CLIENT");
          assertThat(client.path("localEndpoint").path("serviceName").asText())
              .isEqualTo("order-service");
        });
    assertThat(spans).noneSatisfy(s -> assertThat(s.path("tags").has("error")).isTrue());
  }

  @Test
  @Order(2)
  void logLinesOfAllThreeServicesCarryTheTraceIdAndNoEmailOrCardNumber() throws Exception {
    HttpResponse<String> response =
        get("/orders/102?sku=sku-2&email=grace.hopper@example.org&channel=mobile&tenant=globex"
            + "&amount=120.00&card=" + CARD);
    assertThat(response.statusCode()).isEqualTo(200);
    String traceId = JSON.readTree(response.body()).path("trace_id").asText();

    JsonNode placed = awaitLog("order-service", traceId, "order placed");
    JsonNode reserved = awaitLog("inventory-service", traceId, "stock reserved");
    JsonNode checked = awaitLog("inventory-service", traceId, "stock checked");
    JsonNode authorized = awaitLog("payment-service", traceId, "payment authorized");

    assertThat(placed.path("customer.email").asText()).isEqualTo("****");
    assertThat(placed.path("order.id").asText()).isEqualTo("102");
    assertThat(placed.path("service.name").asText()).isEqualTo("order-service");
    assertThat(reserved.path("service.name").asText()).isEqualTo("inventory-service");
    assertThat(reserved.path("tenant-id").asText()).isEqualTo("globex");
    assertThat(checked.path("tenant-id").asText()).isEqualTo("globex");
    // The Boot service's line: obs's JSON with its service name, the caller's baggage, and the
    // card number, a structured argument, masked by the card detector.
    assertThat(authorized.path("service.name").asText()).isEqualTo("payment-service");
    assertThat(authorized.path("tenant-id").asText()).isEqualTo("globex");
    assertThat(authorized.path("order.id").asText()).isEqualTo("102");
    assertThat(authorized.path("payment.amount").asText()).isEqualTo("120.00");
    assertThat(authorized.path("payment.card").asText()).isEqualTo("****");
    assertThat(authorized.path("span_id").asText()).matches("[0-9a-f]{16}");
    assertThat(output).noneMatch(line -> line.contains("grace.hopper@example.org"));
    assertThat(output).noneMatch(line -> line.contains(CARD));
    // Nor in the trace: the request's query (url.query) is recorded with its values redacted, in
    // order-service's spans and in payment-service's.
    JsonNode spans = awaitTrace(traceId,
        t -> names(t).containsAll(List.of("get /orders/{id}", "get /payments/authorize")));
    assertThat(spans.toString())
        .doesNotContain("grace.hopper")
        .doesNotContain("@example.org")
        .doesNotContain(CARD);
    // Logged inside the route-named server span, not in a span of its own.
    assertThat(authorized.path("span_id").asText())
        .isEqualTo(serverSpan(spans, "get /payments/authorize").path("id").asText());
  }

  @Test
  @Order(3)
  void failingInventoryAnswers502AndMarksBothServicesTracesAsErrors() throws Exception {
    HttpResponse<String> response = get("/orders/103?sku=sku-3&email=x@example.com&fail=true");

    assertThat(response.statusCode()).isEqualTo(502);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("result").asText()).isEqualTo("inventory_error");
    String traceId = body.path("trace_id").asText();
    JsonNode spans =
        awaitTrace(
            traceId,
            t -> names(t).containsAll(List.of("get /orders/{id}", "get /stock/{sku}")));

    assertThat(spans)
        .filteredOn(s -> s.path("name").asText().equals("get /stock/{sku}")
            && s.path("kind").asText().equals("SERVER"))
        .singleElement()
        .satisfies(s -> {
          assertThat(s.path("localEndpoint").path("serviceName").asText())
              .isEqualTo("inventory-service");
          assertThat(s.path("tags").has("error")).isTrue();
          assertThat(s.path("tags").path("http.response.status_code").asText()).isEqualTo("503");
        });
    assertThat(spans)
        .filteredOn(s -> s.path("name").asText().equals("get /orders/{id}"))
        .singleElement()
        .satisfies(s -> {
          assertThat(s.path("localEndpoint").path("serviceName").asText())
              .isEqualTo("order-service");
          assertThat(s.path("tags").has("error")).isTrue();
          assertThat(s.path("tags").path("http.response.status_code").asText()).isEqualTo("502");
        });
    // Nothing was reserved, so nothing was paid.
    assertThat(names(spans)).doesNotContain("shop.inventory/reserve", "get /payments/authorize");
  }

  @Test
  @Order(4)
  void slowInventoryShowsAsALongWarehouseSpan() throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> response = get("/orders/104?sku=sku-4&email=y@example.com&slow=600");
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(tookMs).isGreaterThanOrEqualTo(600);
    String traceId = JSON.readTree(response.body()).path("trace_id").asText();
    JsonNode spans = awaitTrace(traceId, t -> names(t).contains("warehouse-lookup"));

    JsonNode lookup = null;
    for (JsonNode s : spans) {
      if (s.path("name").asText().equals("warehouse-lookup")) {
        lookup = s;
      }
    }
    assertThat(lookup).isNotNull();
    assertThat(lookup.path("localEndpoint").path("serviceName").asText())
        .isEqualTo("inventory-service");
    assertThat(lookup.path("duration").asLong()).isGreaterThanOrEqualTo(600_000L);
  }

  @Test
  @Order(5)
  void declinedPaymentAnswers402AndIsNoErrorInTheTrace() throws Exception {
    HttpResponse<String> response =
        get("/orders/105?sku=sku-5&email=z@example.com&amount=750.00&card=" + CARD);

    assertThat(response.statusCode()).isEqualTo(402);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("result").asText()).isEqualTo("payment_declined");
    assertThat(body.path("payment").asText()).isEqualTo("declined");
    String traceId = body.path("trace_id").asText();
    JsonNode declined = awaitLog("payment-service", traceId, "payment declined");
    assertThat(declined.path("reason").asText()).isEqualTo("amount above 500.00");
    assertThat(declined.path("payment.card").asText()).isEqualTo("****");
    JsonNode spans = awaitTrace(traceId,
        t -> names(t).containsAll(List.of("get /orders/{id}", "get /payments/authorize")));
    // A decline is a business answer: payment-service answers 200, order-service 402 (a 4xx
    // of a server span is the caller's, not an error of the service).
    assertThat(serverSpan(spans, "get /payments/authorize").path("tags")
        .path("http.response.status_code").asText()).isEqualTo("200");
    assertThat(serverSpan(spans, "get /orders/{id}").path("tags")
        .path("http.response.status_code").asText()).isEqualTo("402");
    assertThat(spans).noneSatisfy(s -> assertThat(s.path("tags").has("error")).isTrue());
    assertThat(output).noneMatch(line -> line.contains("z@example.com"));
  }

  @Test
  @Order(6)
  void paymentErrorAnswers502AndMarksTheOrderAsAnError() throws Exception {
    // An amount payment-service cannot read: it answers 400, which order-service reports as a
    // failed payment, as it would a payment-service that is down.
    HttpResponse<String> response =
        get("/orders/106?sku=sku-1&email=w@example.com&amount=lots&card=" + CARD);

    assertThat(response.statusCode()).isEqualTo(502);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("result").asText()).isEqualTo("payment_error");
    assertThat(body.path("error").asText()).isEqualTo("payment-service answered 400 for /payments/authorize");
    String traceId = body.path("trace_id").asText();
    JsonNode failed = awaitLog("order-service", traceId, "payment failed");
    assertThat(failed.path("level").asText()).isEqualTo("WARN");
    JsonNode spans = awaitTrace(traceId,
        t -> names(t).containsAll(List.of("get /orders/{id}", "get /payments/authorize")));
    assertThat(serverSpan(spans, "get /payments/authorize").path("tags")
        .path("http.response.status_code").asText()).isEqualTo("400");
    assertThat(serverSpan(spans, "get /orders/{id}").path("tags").has("error")).isTrue();
    assertThat(spans.toString()).doesNotContain(CARD);
  }

  @Test
  @Order(7)
  void businessCountersAndHttpHistogramsAreOnEveryMetricsEndpoint() throws Exception {
    String order = metrics(orderObsPort);
    String inventory = metrics(inventoryObsPort);
    String payment = metrics(paymentObsPort);

    assertThat(sampleLine(order, "shop_orders_total{", "result=\"placed\"", "channel=\"web\""))
        .isNotNull();
    assertThat(sampleLine(order, "shop_orders_total{", "result=\"placed\"", "channel=\"mobile\""))
        .isNotNull();
    assertThat(sampleLine(order, "shop_orders_total{", "result=\"inventory_error\"")).isNotNull();
    assertThat(sampleLine(order, "shop_orders_total{", "result=\"payment_declined\"")).isNotNull();
    assertThat(sampleLine(order, "shop_orders_total{", "result=\"payment_error\"")).isNotNull();
    // The counters payment-service registers on the MeterRegistry Boot injects are on obs's
    // /metrics, with obs's common labels.
    assertThat(sampleLine(payment, "payments_authorizations_total{", "result=\"approved\"",
        "service=\"payment-service\"")).isNotNull().doesNotEndWith(" 0.0");
    assertThat(sampleLine(payment, "payments_authorizations_total{", "result=\"declined\""))
        .isNotNull().doesNotEndWith(" 0.0");
    assertThat(sampleLine(payment, "http_server_request_duration_seconds_bucket{",
        "http_route=\"/payments/authorize\"")).isNotNull();
    assertThat(sampleLine(order, "http_server_request_duration_seconds_bucket{",
        "http_route=\"/orders/{id}\"")).isNotNull();
    assertThat(sampleLine(inventory, "http_server_request_duration_seconds_bucket{",
        "http_route=\"/stock/{sku}\"")).isNotNull();
    assertThat(sampleLine(order, "service=\"order-service\"")).isNotNull();
    assertThat(sampleLine(inventory, "service=\"inventory-service\"")).isNotNull();
  }

  @Test
  @Order(8)
  void correlationSettingsInTheDocsMatchWhatTheServicesEmit() throws Exception {
    String openMetrics = openMetrics(orderObsPort);
    String inventoryMetrics = metrics(inventoryObsPort);
    JsonNode placed = null;
    for (String line : output) {
      String prefix = String.format("%-17s | ", "order-service");
      if (line.startsWith(prefix + "{") && line.contains("\"order placed\"")) {
        placed = JSON.readTree(line.substring(prefix.length()));
        break;
      }
    }
    assertThat(placed).as("an 'order placed' line").isNotNull();
    String placedLine = JSON.writeValueAsString(placed);

    // Exemplars: the label Grafana's exemplar link reads is the one obs writes.
    Matcher exemplar = Pattern.compile("# \\{([^}]*)}").matcher(openMetrics);
    List<String> exemplarLabels = new ArrayList<>();
    while (exemplar.find()) {
      for (String pair : exemplar.group(1).split(",")) {
        exemplarLabels.add(pair.substring(0, pair.indexOf('=')));
      }
    }
    assertThat(exemplarLabels).as("exemplars on /metrics (OpenMetrics)").isNotEmpty();

    for (DocBlocks.Block block : DocBlocks.checked("grafana")) {
      Map<?, ?> config = (Map<?, ?>) new Yaml(new SafeConstructor(new LoaderOptions()))
          .load(block.text());
      // A block without "datasources" is the jsonData fragment of one data source.
      List<?> sources = config.containsKey("datasources")
          ? (List<?>) config.get("datasources") : List.of(config);
      for (Object o : sources) {
        Map<?, ?> ds = (Map<?, ?>) o;
        Map<?, ?> json = (Map<?, ?>) ds.get("jsonData");
        if (json == null) {
          continue;
        }
        for (Object d : list(json.get("exemplarTraceIdDestinations"))) {
          assertThat(exemplarLabels).as(block.where()).contains(String.valueOf(((Map<?, ?>) d).get("name")));
        }
        for (Object f : list(json.get("derivedFields"))) {
          Map<?, ?> field = (Map<?, ?>) f;
          // Grafana's default matcherType is regex.
          if (!"label".equals(field.get("matcherType"))) {
            Matcher m = Pattern.compile(String.valueOf(field.get("matcherRegex"))).matcher(placedLine);
            assertThat(m.find()).as("%s: %s matches a real log line", block.where(), field.get("name"))
                .isTrue();
            assertThat(m.group(1)).isEqualTo(placed.path("trace_id").asText());
          } else {
            assertThat(placed.has(String.valueOf(field.get("matcherRegex")))).as(block.where()).isTrue();
          }
        }
        for (String link : List.of("tracesToLogsV2", "tracesToMetrics")) {
          if (json.get(link) instanceof Map<?, ?> settings) {
            // A custom query: its stream labels carry span tags the metrics carry too.
            if (settings.get("query") instanceof String query) {
              Matcher tag = Pattern.compile("([a-z_]+)=\"\\$\\{__span\\.tags\\[\"([^\"]+)\"]}\"")
                  .matcher(query);
              assertThat(tag.find()).as(block.where()).isTrue();
              assertThat(placed.path(tag.group(2)).asText()).as(block.where()).isEqualTo("order-service");
              assertThat(openMetrics).as(block.where()).contains(tag.group(1) + "=\"order-service\"");
              assertThat(query).as(block.where()).contains("| trace_id=\"${__trace.traceId}\"");
            }
            for (Object t : list(settings.get("tags"))) {
              Map<?, ?> tag = (Map<?, ?>) t;
              assertThat(placed.has(String.valueOf(tag.get("key")))).as(block.where()).isTrue();
              assertThat(openMetrics).as(block.where()).contains(tag.get("value") + "=\"order-service\"");
            }
          }
        }
      }
    }

    // PromQL: every metric and label the docs query exists (kernel ones when the bridge runs).
    boolean kernel = openMetrics.contains("obs_ebpf_program_up{") && Pattern.compile(
        "(?m)^obs_ebpf_program_up\\{[^}]*} 1(\\.0)?$").matcher(openMetrics).find();
    Pattern selector = Pattern.compile("([a-z_][a-z0-9_]*)\\{([^}]*)}");
    for (DocBlocks.Block block : DocBlocks.checked("promql")) {
      Matcher m = selector.matcher(block.text());
      assertThat(m.find()).as(block.where()).isTrue();
      m.reset();
      while (m.find()) {
        String metric = m.group(1);
        if (!kernel && (metric.startsWith("syscall_") || metric.startsWith("tcp_"))) {
          continue;
        }
        String scrape = openMetrics + inventoryMetrics;
        assertThat(scrape).as("%s: %s on /metrics", block.where(), metric).contains("\n" + metric + "{");
        for (String matcher : m.group(2).split(",")) {
          String label = matcher.trim().split("[=!~]")[0];
          if (!label.isEmpty() && !label.startsWith("$")) {
            assertThat(Pattern.compile("(?m)^" + metric + "\\{([^\\n]*?,)?" + label + "=").matcher(scrape).find())
                .as("%s: %s has label %s", block.where(), metric, label)
                .isTrue();
          }
        }
      }
    }

    // LogQL: stream labels are the metrics' common labels; json fields are real log fields.
    for (DocBlocks.Block block : DocBlocks.checked("logql")) {
      Matcher stream = Pattern.compile("\\{([^}]*)}").matcher(block.text());
      assertThat(stream.find()).as(block.where()).isTrue();
      for (String matcher : stream.group(1).split(",")) {
        String label = matcher.trim().split("=")[0];
        if (label.equals(LogFields.LEVEL)) {
          // Not a metric label: logs.md's Alloy pipeline promotes the line's level field.
          assertThat(placed.has(label)).as(block.where()).isTrue();
        } else {
          assertThat(openMetrics).as(block.where()).contains(label + "=\"");
        }
      }
      Matcher format = Pattern.compile("\\{\\{\\.([a-z_]+)}}").matcher(block.text());
      while (format.find()) {
        assertThat(LOG_FIELDS_AS_LABELS).as("%s: %s", block.where(), format.group(1))
            .contains(format.group(1));
      }
      int json = block.text().indexOf("| json");
      Matcher filter = Pattern.compile("\\|\\s*([a-z_]+)\\s*=").matcher(block.text());
      while (filter.find()) {
        String field = filter.group(1);
        if (json >= 0 && filter.start() > json) {
          assertThat(placedLine.replace('.', '_')).as(block.where()).contains("\"" + field + "\"");
        } else {
          assertThat(field).as("%s: structured metadata", block.where()).isIn("trace_id", "span_id", "request_id");
        }
      }
    }

    // Sample log lines: every field of the sample is a field of the real line.
    for (DocBlocks.Block block : DocBlocks.checked("log-line")) {
      JsonNode sample = JSON.readTree(block.text());
      List<String> fields = new ArrayList<>();
      sample.fieldNames().forEachRemaining(fields::add);
      for (String name : fields) {
        assertThat(placed.has(name)).as("%s: field %s", block.where(), name).isTrue();
      }
    }
  }

  @Test
  @Order(9)
  void stopsAllThreeServicesCleanlyWithExitCodeZero() throws Exception {
    Process launcher = shop;
    assertThat(launcher).isNotNull();
    // SIGTERM, as Kubernetes or kill sends it. Through the handle, because Process.destroy()
    // also closes our end of the launcher's output, and its last lines would be lost.
    assertThat(launcher.toHandle().destroy()).isTrue();

    assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).as("launcher stopped in time").isTrue();
    awaitLine(line -> line.contains("all three services stopped cleanly"), Duration.ofSeconds(5));
    assertThat(launcher.exitValue()).isZero();
    assertThat(output)
        .anyMatch(l -> l.contains("order-service exited with code 0"))
        .anyMatch(l -> l.contains("inventory-service exited with code 0"))
        .anyMatch(l -> l.contains("payment-service exited with code 0"));
  }

  // ------------------------------------------------------------------------------- helpers

  /** obs's JSON field names as LogQL's {@code | json} turns them into labels (dots to _). */
  private static final List<String> LOG_FIELDS_AS_LABELS = List.of(LogFields.TIMESTAMP,
          LogFields.LEVEL, LogFields.LOGGER, LogFields.THREAD, LogFields.MESSAGE,
          LogFields.SERVICE_NAME, LogFields.SERVICE_VERSION, LogFields.DEPLOYMENT_ENVIRONMENT,
          LogFields.TRACE_ID, LogFields.SPAN_ID, LogFields.TRACE_FLAGS, LogFields.REQUEST_ID,
          LogFields.ERROR_TYPE, LogFields.ERROR_MESSAGE, LogFields.ERROR_STACK_TRACE)
      .stream().map(f -> f.replace('.', '_')).toList();

  private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + orderPort + pathAndQuery))
            .timeout(Duration.ofSeconds(20))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String metrics(int port) throws IOException, InterruptedException {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private String openMetrics(int port) throws IOException, InterruptedException {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .header("Accept", "application/openmetrics-text; version=1.0.0")
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private static List<?> list(@Nullable Object value) {
    return value instanceof List<?> l ? l : List.of();
  }

  private static @Nullable String sampleLine(String exposition, String... parts) {
    for (String line : exposition.split("\n")) {
      if (line.startsWith("#")) {
        continue;
      }
      boolean all = true;
      for (String part : parts) {
        all &= line.contains(part);
      }
      if (all) {
        return line;
      }
    }
    return null;
  }

  /** Polls Zipkin until the trace satisfies {@code complete}; spans arrive from two processes. */
  private JsonNode awaitTrace(String traceId, Predicate<JsonNode> complete) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + zipkinPort + "/api/v2/trace/" + traceId);
    long deadline = System.nanoTime() + TRACE_TIMEOUT.toNanos();
    JsonNode last = JSON.createArrayNode();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response =
          client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        last = JSON.readTree(response.body());
        if (complete.test(last)) {
          return last;
        }
      }
      Thread.sleep(250);
    }
    throw new AssertionError("trace " + traceId + " incomplete in Zipkin after "
        + TRACE_TIMEOUT.toSeconds() + "s: " + last);
  }

  /** The one SERVER span of the trace with this (Zipkin, lower-case) name. */
  private static JsonNode serverSpan(JsonNode trace, String name) {
    List<JsonNode> found = StreamSupport.stream(trace.spliterator(), false)
        .filter(s -> s.path("kind").asText().equals("SERVER") && s.path("name").asText().equals(name))
        .toList();
    assertThat(found).as("server span %s in %s", name, trace).hasSize(1);
    return found.get(0);
  }

  private static List<String> services(JsonNode trace) {
    return StreamSupport.stream(trace.spliterator(), false)
        .map(s -> s.path("localEndpoint").path("serviceName").asText())
        .distinct()
        .toList();
  }

  private static List<String> names(JsonNode trace) {
    return StreamSupport.stream(trace.spliterator(), false)
        .map(s -> s.path("name").asText())
        .toList();
  }

  private static long count(JsonNode trace, Predicate<JsonNode> filter) {
    return StreamSupport.stream(trace.spliterator(), false).filter(filter).count();
  }

  /** The JSON log line of {@code service} with this trace id and message. */
  private JsonNode awaitLog(String service, String traceId, String message) throws Exception {
    String prefix = String.format("%-17s | ", service);
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : output) {
        if (line.startsWith(prefix + "{") && line.contains(traceId)) {
          JsonNode json = JSON.readTree(line.substring(prefix.length()));
          if (json.path("trace_id").asText().equals(traceId)
              && json.path("message").asText().equals(message)) {
            return json;
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no '" + message + "' line of " + service + " with trace_id "
        + traceId + "; output:\n" + String.join("\n", tail(output, 40)));
  }

  private void awaitLine(Predicate<String> wanted, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (output.stream().anyMatch(wanted)) {
        return;
      }
      Process p = shop;
      if (p != null && !p.isAlive() && output.stream().noneMatch(wanted)) {
        Thread.sleep(500); // let the pump drain the last lines
        if (output.stream().anyMatch(wanted)) {
          return;
        }
        throw new AssertionError("launcher exited with " + p.exitValue() + ":\n"
            + String.join("\n", tail(output, 60)));
      }
      Thread.sleep(100);
    }
    throw new AssertionError("expected line not seen within " + timeout.toSeconds() + "s:\n"
        + String.join("\n", tail(output, 60)));
  }

  private void awaitHttp200(URI uri, Process process, List<String> log) throws Exception {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("process for " + uri + " exited:\n" + String.join("\n", tail(log, 40)));
      }
      try {
        HttpResponse<Void> response =
            client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError(uri + " not up within " + START_TIMEOUT.toSeconds() + "s:\n"
        + String.join("\n", tail(log, 40)));
  }

  private static List<String> tail(List<String> lines, int n) {
    List<String> copy = new ArrayList<>(lines);
    return copy.subList(Math.max(0, copy.size() - n), copy.size());
  }

  private static void pump(Process process, List<String> sink) {
    Thread t = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          sink.add(line);
        }
      } catch (IOException e) {
        // process gone
      }
    }, "shop-it-pump");
    t.setDaemon(true);
    t.start();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String java() {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return Files.isExecutable(java) ? java.toString() : "java";
  }
}
