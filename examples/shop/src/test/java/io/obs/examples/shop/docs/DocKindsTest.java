// SPDX-License-Identifier: Apache-2.0
package io.obs.examples.shop.docs;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.obs.Observability;
import io.obs.config.CoreKeys;
import io.obs.config.ObsConfigException;
import io.obs.ebpf.internal.AvailabilityProbe;
import io.obs.ebpf.internal.Errno;
import io.obs.ebpf.internal.KernelTelemetry;
import io.obs.internal.ConfigLoader;
import io.obs.internal.RuntimeRequest;
import io.obs.logging.LogFields;
import io.obs.logging.ObsAppender;
import io.obs.logging.ObsEncoder;
import io.obs.logging.internal.LoggingKeys;
import io.obs.metrics.MetricsKeys;
import io.obs.spi.ObservabilityModule;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The block kinds of README.md, architecture.md, configuration.md, tracing.md, metrics.md,
 * logs.md and ebpf.md that need more than a syntax check: each is compared with what obs really
 * does.
 */
class DocKindsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The obs.yaml that configuration.md's sample error message is about. The page shows only the
   * message; this is the file that produces it, problem for problem, line and column included.
   */
  static final String INVALID_OBS_YAML = """
      service:
        name: order-service
        enviroment: prod
      server:
        host: 0.0.0.0
        port: 70000
      traces:
        batch: {queue_size: 4096}
        exporter: jaegr
      """;

  @Test
  void sampleConfigErrorIsWhatTheLoaderPrintsForItsFile() {
    List<DocBlocks.Block> blocks = DocBlocks.checked("config-error");
    assertThat(blocks).isNotEmpty();
    RuntimeRequest request = new RuntimeRequest(null, INVALID_OBS_YAML, Map.of(), Map.of(),
        Map.of(), List.of(), List.of(), List.of(), null, false, null);
    // Inline YAML is reported as <inline>; a file named obs.yaml is reported by its name.
    ObsConfigException error = org.assertj.core.api.Assertions.catchThrowableOfType(
        ObsConfigException.class, () -> ConfigLoader.load(request, ObsKeys.all()));
    assertThat(error).isNotNull();
    String real = error.getMessage().replace("<inline>", "obs.yaml")
        .replace(System.lineSeparator(), "\n") + "\n";
    for (DocBlocks.Block block : blocks) {
      assertThat(block.text()).as(block.where()).isEqualTo(real);
    }
  }

  @Test
  void moduleDiagramNamesRealClassesMethodsAndPaths() throws Exception {
    List<DocBlocks.Block> blocks = DocBlocks.checked("diagram");
    assertThat(blocks).isNotEmpty();
    List<String> packages = List.of("io.obs", "io.obs.internal", "io.obs.spi", "io.obs.config",
        "io.obs.server", "java.util", "io.opentelemetry.sdk", "io.opentelemetry.sdk.trace",
        "io.opentelemetry.sdk.metrics", "io.opentelemetry.sdk.logs",
        "io.opentelemetry.sdk.resources");
    Pattern method = Pattern.compile("\\b([a-z][A-Za-z]*)\\(([A-Z][A-Za-z]*)?\\)");
    // Java type names (ConfigLoader, OpenTelemetrySdk), not product names (Prometheus, Logback).
    Pattern type = Pattern.compile("\\b[A-Z][a-z]+[A-Z][A-Za-z]*\\b");
    for (DocBlocks.Block block : blocks) {
      Matcher t = type.matcher(block.text());
      int types = 0;
      while (t.find()) {
        String name = t.group();
        assertThat(packages.stream().anyMatch(p -> exists(p + "." + name)))
            .as("%s: %s is a real class", block.where(), name).isTrue();
        types++;
      }
      assertThat(types).as(block.where()).isGreaterThan(5);
      Matcher m = method.matcher(block.text());
      while (m.find()) {
        String name = m.group(1);
        String parameter = m.group(2);
        List<Method> candidates = new ArrayList<>();
        candidates.addAll(List.of(Observability.class.getMethods()));
        candidates.addAll(List.of(ObservabilityModule.class.getMethods()));
        assertThat(candidates)
            .as("%s: %s(%s)", block.where(), name, parameter == null ? "" : parameter)
            .anyMatch(c -> c.getName().equals(name) && (parameter == null
                ? c.getParameterCount() == 0
                : c.getParameterCount() == 1
                    && c.getParameterTypes()[0].getSimpleName().equals(parameter)));
      }
      Matcher p = Pattern.compile("(?<=[\\s(,])(/[a-z]+)\\b").matcher(block.text());
      while (p.find()) {
        assertThat(List.of(CoreKeys.SERVER_PATHS_HEALTH.defaultValue(),
                CoreKeys.SERVER_PATHS_READY.defaultValue(),
                CoreKeys.SERVER_PATHS_METRICS.defaultValue()))
            .as(block.where()).contains(p.group(1));
      }
      Matcher module = Pattern.compile("\\bobs-[a-z-]+").matcher(block.text());
      while (module.find()) {
        assertThat(DocBlocks.repoRoot().resolve(module.group()).resolve("pom.xml")).isRegularFile();
      }
    }
  }

  /**
   * architecture.md's span path: span end on the application thread hands the span to a queue,
   * and the batch thread exports it. Checked with a real Zipkin endpoint on loopback that does
   * not answer until span.end() has returned: a synchronous export would time out and fail.
   */
  @Test
  void spanEndReturnsBeforeTheBatchThreadExportsToTheBackend() throws Exception {
    List<DocBlocks.Block> blocks = DocBlocks.checked("span-data-path");
    assertThat(blocks).isNotEmpty();
    for (DocBlocks.Block block : blocks) {
      assertThat(block.text()).as(block.where()).containsSubsequence(
          "app thread", "start", "sampler", "processors", "end", "bounded queue", "batch thread",
          "exporter", "backend");
    }
    CountDownLatch ended = new CountDownLatch(1);
    AtomicBoolean exportedAfterEnd = new AtomicBoolean();
    AtomicReference<String> body = new AtomicReference<>("");
    CountDownLatch received = new CountDownLatch(1);
    HttpServer zipkin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    zipkin.createContext("/api/v2/spans", exchange -> {
      try (exchange) {
        InputStream in = exchange.getRequestBody();
        if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
          in = new GZIPInputStream(in);
        }
        body.set(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        exportedAfterEnd.set(ended.await(5, TimeUnit.SECONDS));
        exchange.sendResponseHeaders(202, -1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        received.countDown();
      }
    });
    zipkin.start();
    try (Observability obs = Observability.builder()
        .setConfigYaml("service:\n  name: data-path\nserver:\n  enabled: false\n"
            + "traces:\n  exporter: zipkin\n  zipkin:\n    endpoint: http://127.0.0.1:"
            + zipkin.getAddress().getPort() + "/api/v2/spans\n"
            + "  batch:\n    schedule_delay: 50ms\n")
        .setEnvironment(Map.of())
        .setSystemProperties(Map.of())
        .setModules(List.of())
        .setRegisterGlobal(false)
        .build()) {
      Span span = obs.tracer("docs").spanBuilder("data-path-span").startSpan();
      span.end();
      ended.countDown();
      assertThat(received.await(10, TimeUnit.SECONDS)).as("the backend got the span").isTrue();
      assertThat(exportedAfterEnd).as("export waited for nothing on the app thread").isTrue();
      assertThat(body.get()).contains("data-path-span");
      assertThat(Thread.getAllStackTraces().keySet())
          .anyMatch(t -> t.getName().startsWith("BatchSpanProcessor_WorkerThread"));
    } finally {
      zipkin.stop(0);
    }
  }

  @Test
  void prometheusScrapeConfigPointsAtTheDefaultPortAndPath() {
    List<DocBlocks.Block> blocks = DocBlocks.checked("prometheus-scrape");
    assertThat(blocks).isNotEmpty();
    for (DocBlocks.Block block : blocks) {
      Map<?, ?> config = (Map<?, ?>) yaml().load(block.text());
      List<?> jobs = (List<?>) config.get("scrape_configs");
      assertThat(jobs).as(block.where()).isNotEmpty();
      for (Object j : jobs) {
        Map<?, ?> job = (Map<?, ?>) j;
        Object path = job.get("metrics_path");
        assertThat(path == null ? "/metrics" : path).as(block.where())
            .isEqualTo(CoreKeys.SERVER_PATHS_METRICS.defaultValue());
        List<String> targets = new ArrayList<>();
        for (Object s : (List<?>) job.get("static_configs")) {
          for (Object target : (List<?>) ((Map<?, ?>) s).get("targets")) {
            targets.add(String.valueOf(target));
          }
        }
        assertThat(targets).as(block.where()).isNotEmpty()
            .allSatisfy(t -> assertThat(t).endsWith(":" + CoreKeys.SERVER_PORT.defaultValue()));
      }
    }
  }

  /** logs.md's sample line: what ObsEncoder really writes for the snippet's call. */
  @Test
  @SuppressWarnings("try") // the scope is only held open
  void sampleJsonLineIsWhatTheEncoderWritesForTheSnippetsCall() throws Exception {
    List<DocBlocks.Block> blocks = DocBlocks.checked("log-sample");
    assertThat(blocks).isNotEmpty();
    for (DocBlocks.Block block : blocks) {
      JsonNode sample = JSON.readTree(block.text());
      JsonNode real = JSON.readTree(encode("json", sample.path("@timestamp").asText(),
          sample.path("thread").asText(), sample.path("logger").asText(),
          sample.path("trace_id").asText(), sample.path("span_id").asText()));
      assertThat(sample.path("logger").asText()).endsWith("." + Checkout.class.getSimpleName());
      // Fields that come from the resource and the server request are not known to a bare
      // encoder; they must still be obs field names.
      Set<String> contextual = Set.of(LogFields.SERVICE_NAME, LogFields.SERVICE_VERSION,
          LogFields.DEPLOYMENT_ENVIRONMENT, LogFields.REQUEST_ID);
      List<String> names = new ArrayList<>();
      sample.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        if (contextual.contains(name)) {
          continue;
        }
        assertThat(real.has(name)).as("%s: field %s in %s", block.where(), name, real).isTrue();
        assertThat(sample.get(name)).as("%s: %s", block.where(), name).isEqualTo(real.get(name));
      }
      List<String> realNames = new ArrayList<>();
      real.fieldNames().forEachRemaining(realNames::add);
      assertThat(names).as(block.where()).containsAll(realNames);
    }
  }

  @Test
  void sampleTextLineIsWhatTheEncoderWritesForTheSnippetsCall() {
    List<DocBlocks.Block> blocks = DocBlocks.checked("log-text-line");
    assertThat(blocks).isNotEmpty();
    Pattern line = Pattern.compile("(\\S+) \\S+\\s+\\[([^]]+)] (\\S+) - .* trace_id=(\\S+) span_id=(\\S+).*");
    for (DocBlocks.Block block : blocks) {
      Matcher m = line.matcher(block.text().strip());
      assertThat(m.matches()).as(block.where()).isTrue();
      String real = encode("text", m.group(1), m.group(2), m.group(3), m.group(4), m.group(5));
      assertThat(block.text()).as(block.where()).isEqualTo(real);
    }
  }

  @Test
  void dropReportSampleIsTheMessageTheLogWriterBuilds() throws Exception {
    List<DocBlocks.Block> blocks = DocBlocks.checked("log-drop-report");
    assertThat(blocks).isNotEmpty();
    String source = Files.readString(DocBlocks.repoRoot().resolve(
        "obs-logging/src/main/java/io/obs/logging/internal/AsyncLogWriter.java"));
    for (DocBlocks.Block block : blocks) {
      // The sample elides the other fields with ", ...".
      JsonNode sample = JSON.readTree(block.text().replace(", ...}", "}"));
      assertThat(sample.path(LogFields.LEVEL).asText()).isEqualTo("WARN");
      assertThat(source).contains("SELF_LOGGER = \"" + sample.path(LogFields.LOGGER).asText() + "\"");
      Matcher m = Pattern.compile("obs-logging dropped (\\d+) log events in the last (\\d+)s because"
              + " the output could not keep up \\(([^)]*)\\); raise logs.queue_size or log less")
          .matcher(sample.path(LogFields.MESSAGE).asText());
      assertThat(m.matches()).as(block.where()).isTrue();
      for (String fragment : List.of("\"obs-logging dropped \"", "\" log events in the last \"",
          "\"s because the output could not keep\"", "\" up (\"",
          "\"); raise logs.queue_size or log less\"")) {
        assertThat(source).as("the writer builds %s", fragment).contains(fragment);
      }
      assertThat(Long.parseLong(m.group(2)))
          .isEqualTo(LoggingKeys.DROP_REPORT_INTERVAL.defaultValue().toSeconds());
      long sum = 0;
      for (String part : m.group(3).split(", ")) {
        String[] kv = part.split("=");
        assertThat(kv[0]).isIn("trace", "debug", "info", "warn", "error");
        sum += Long.parseLong(kv[1]);
      }
      assertThat(sum).as("%s: the total is the sum of the levels", block.where())
          .isEqualTo(Long.parseLong(m.group(1)));
    }
  }

  @Test
  void logbackXmlSnippetsAreConfiguredByJoranWithoutWarnings(@TempDir Path dir) throws Exception {
    List<DocBlocks.Block> blocks = DocBlocks.checked("logback-xml");
    assertThat(blocks).isNotEmpty();
    for (DocBlocks.Block block : blocks) {
      LoggerContext context = new LoggerContext();
      try {
        context.putProperty("LOG_DIR", dir.toString());
        JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(context);
        joran.doConfigure(new ByteArrayInputStream(block.text().getBytes(StandardCharsets.UTF_8)));
        assertThat(context.getStatusManager().getCopyOfStatusList())
            .as(block.where())
            .noneMatch(s -> s.getLevel() >= Status.WARN);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        assertThat(root.getAppender("OBS")).isInstanceOf(ObsAppender.class);
        assertThat(root.getAppender("ASYNC_FILE")).isNotNull();
        assertThat(context.getTurboFilterList()).isNotEmpty();
      } finally {
        context.stop();
      }
    }
  }

  @Test
  void alloyPipelineReadsObsFieldsIntoTheMetricsLabels() {
    List<DocBlocks.Block> blocks = DocBlocks.checked("alloy");
    assertThat(blocks).isNotEmpty();
    Set<String> fields = new HashSet<>();
    for (java.lang.reflect.Field f : LogFields.class.getFields()) {
      try {
        fields.add(String.valueOf(f.get(null)));
      } catch (IllegalAccessException e) {
        throw new AssertionError(e);
      }
    }
    for (DocBlocks.Block block : blocks) {
      String text = block.text();
      Map<String, String> expressions = new LinkedHashMap<>();
      Matcher e = Pattern.compile("(?s)expressions = \\{(.*?)\\n\\s*}").matcher(text);
      assertThat(e.find()).as(block.where()).isTrue();
      Matcher pair = Pattern.compile("(\\w+)\\s*=\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(e.group(1));
      while (pair.find()) {
        String jmes = pair.group(2).replace("\\\"", "\"");
        expressions.put(pair.group(1), jmes.startsWith("\"") ? jmes.substring(1, jmes.length() - 1) : jmes);
      }
      assertThat(expressions).as(block.where()).isNotEmpty();
      for (Map.Entry<String, String> x : expressions.entrySet()) {
        assertThat(fields).as("%s: %s reads a field obs writes", block.where(), x.getKey())
            .contains(x.getValue());
        if (x.getValue().contains(".")) {
          assertThat(text).as("%s: dotted key %s is quoted", block.where(), x.getValue())
              .contains("\"\\\"" + x.getValue() + "\\\"\"");
        }
      }
      List<String> labels = names(text, "stage.labels");
      List<String> metadata = names(text, "stage.structured_metadata");
      assertThat(expressions.keySet()).as(block.where()).containsAll(labels).containsAll(metadata);
      Set<String> common = MetricsKeys.COMMON_LABELS.defaultValue().keySet();
      assertThat(labels).as("%s: same labels as the metrics", block.where()).containsAll(common);
      Matcher ts = Pattern.compile("source = \"(\\w+)\"").matcher(text);
      assertThat(ts.find()).isTrue();
      assertThat(expressions.get(ts.group(1))).isEqualTo(LogFields.TIMESTAMP);
    }
  }

  // ------------------------------------------------------------------------------- helpers

  private static List<String> names(String text, String stage) {
    Matcher m = Pattern.compile(Pattern.quote(stage) + " \\{\\s*values = \\{([^}]*)}").matcher(text);
    assertThat(m.find()).as(stage).isTrue();
    List<String> out = new ArrayList<>();
    Matcher n = Pattern.compile("(\\w+)\\s*=").matcher(m.group(1));
    while (n.find()) {
      out.add(n.group(1));
    }
    return out;
  }

  /** Encodes Checkout's log call as obs-logging does, inside a span with the given ids. */
  @SuppressWarnings("try") // the scope is only held open
  private static String encode(
      String format, String timestamp, String thread, String logger, String traceId, String spanId) {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    ObsEncoder encoder = new ObsEncoder();
    encoder.setContext(context);
    encoder.setFormat(format);
    encoder.start();
    try {
      Logger log = context.getLogger(logger);
      LoggingEvent event = new LoggingEvent(
          Logger.class.getName(), log, Level.INFO, "order {} placed", null, Checkout.arguments());
      event.setThreadName(thread);
      event.setInstant(Instant.parse(timestamp));
      SpanContext ids = SpanContext.create(traceId, spanId, TraceFlags.getSampled(),
          TraceState.getDefault());
      // obs-logging reads the trace context only once its module has started (so that
      // ContextStorage wrappers of other modules still apply); a bare encoder test switches
      // that on itself instead of depending on another test class having started obs first.
      io.obs.logging.internal.ContextCapture.enable();
      try (Scope ignored = Span.wrap(ids).makeCurrent()) {
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
      }
    } finally {
      encoder.stop();
      context.stop();
    }
  }

  private static boolean exists(String className) {
    try {
      Class.forName(className, false, DocKindsTest.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  private static Yaml yaml() {
    return new Yaml(new SafeConstructor(new LoaderOptions()));
  }

  // ------------------------------------------------------------- docs/ebpf.md (obs-ebpf-bridge)
  // What the bridge produces, compared with its sources and classes: renaming a metric, attribute,
  // span or message there fails here until the page follows. The kernel side needs root and BPF,
  // so values stay illustrative; names, labels, formats and errno pairs are what is checked.


  private static final String EBPF_MAIN = "obs-ebpf-bridge/src/main/java/io/obs/ebpf/";

  @Test
  void metricsSampleUsesThePrometheusNamesAndLabelsTheBridgeRegisters() throws Exception {
    String sources = ebpfSource("internal/KernelMetrics.java") + ebpfSource("EbpfBridge.java");
    Map<String, String> samples = ebpfPrometheusSampleNames(sources);
    Set<String> labels = new HashSet<>(ebpfKeys(ebpfSource("internal/KernelMetrics.java")));
    Set<String> errnoNames = ebpfErrnoNames();
    Pattern line = Pattern.compile("^([a-z_][a-z0-9_]*)(?:\\{(.*)})? (-?[0-9.eE+-]+)$");
    Pattern label = Pattern.compile("([a-z_]+)=\"([^\"]*)\"(?:,|$)");

    List<DocBlocks.Block> blocks = DocBlocks.checked("ebpf-metrics");
    assertThat(blocks).isNotEmpty();
    for (DocBlocks.Block block : blocks) {
      for (String text : block.text().strip().split("\n")) {
        Matcher m = line.matcher(text);
        assertThat(m.matches()).as("%s: %s is a Prometheus sample", block.where(), text).isTrue();
        String name = m.group(1);
        assertThat(samples).as("%s: the bridge registers %s", block.where(), name).containsKey(name);
        Double.parseDouble(m.group(3));
        Matcher l = label.matcher(m.group(2) == null ? "" : m.group(2));
        while (l.find()) {
          String key = l.group(1);
          String value = l.group(2);
          if (key.equals("le")) {
            assertThat(name).as(block.where()).endsWith("_bucket");
            // The buckets are the kernel's log2 slots of nanoseconds, 2^10 ns to 2^34 ns.
            long nanos = Math.round(Double.parseDouble(value) * 1e9);
            assertThat(Long.bitCount(nanos)).as("%s: le=%s is a power of two of ns", block.where(), value)
                .isEqualTo(1);
            assertThat(nanos).as(block.where()).isBetween(1L << 10, 1L << 34);
          } else {
            assertThat(labels).as("%s: %s has attribute %s", block.where(), name, key).contains(key);
          }
          if (key.equals("error") || (key.equals("result") && !value.equals("ok"))) {
            assertThat(errnoNames).as("%s: %s is an errno name", block.where(), value).contains(value);
          }
        }
      }
    }
  }

  @Test
  void warnLineIsWhatTheBridgeLogsForTheCapabilitiesItShows() throws Exception {
    String bridge = ebpfSource("EbpfBridge.java");
    String prefix = "obs-ebpf: kernel metrics are ";
    String suffix = " (ebpf.enabled: false silences this; docs/ebpf.md lists the requirements)";
    assertThat(bridge).contains("\"" + prefix + "\"", "\"" + suffix + "\"",
        "status = \"off: \" + availability.reason();");

    List<DocBlocks.Block> blocks = DocBlocks.checked("ebpf-warn");
    assertThat(blocks).isNotEmpty();
    for (DocBlocks.Block block : blocks) {
      Matcher cap = Pattern.compile("CapEff=([0-9a-f]{16})").matcher(block.text());
      assertThat(cap.find()).as(block.where()).isTrue();
      String status = "Name:\tjava\nCapInh:\t0000000000000000\nCapEff:\t" + cap.group(1) + "\n";
      // Every other check passes, so the line is about privileges only, as on the page.
      AvailabilityProbe.Availability availability = AvailabilityProbe.probe(ebpfEnvironment(status));
      assertThat(availability.isAvailable()).as(block.where()).isFalse();
      // The bridge logs through System.Logger; JUL's default format puts "WARNING: " first.
      assertThat(block.text().strip())
          .as(block.where())
          .isEqualTo("WARNING: " + prefix + "off: " + availability.reason() + suffix);
    }
  }

  @Test
  void renderedTraceUsesTheSpanNamesKindsAndAttributesTheBridgeEmits() throws Exception {
    String telemetry = ebpfSource("internal/KernelTelemetry.java");
    Set<String> kernelKeys = new HashSet<>(ebpfKeys(telemetry));
    Set<String> threadKeys = new HashSet<>(ebpfKeys(ebpfSource("internal/KernelCostSpanProcessor.java")));
    String appTest = Files.readString(DocBlocks.repoRoot().resolve(
        "obs-ebpf-bridge/src/test/java/io/obs/ebpf/TraceCorrelationIT.java"));
    assertThat(telemetry).contains("builder(\"tcp.connect\"", "-> \"syscall.openat\"",
        "-> \"process.exec\"", "SpanKind.CLIENT : SpanKind.INTERNAL");
    Pattern spanLine = Pattern.compile(
        "^(\\s*)(\\S.*?)\\s+(SERVER|CLIENT|INTERNAL|PRODUCER|CONSUMER)\\s+\\+\\s*[\\d.]+ ms\\s+"
            + "[\\d.]+ ms\\s+(UNSET|OK|ERROR)\\s+(.*)$");

    List<DocBlocks.Block> blocks = DocBlocks.checked("ebpf-trace");
    assertThat(blocks).isNotEmpty();
    for (DocBlocks.Block block : blocks) {
      String[] lines = block.text().split("\n");
      assertThat(lines[0]).as(block.where()).matches("trace [0-9a-f]{32}\\s+start\\s+duration");
      List<EbpfSpan> spans = new ArrayList<>();
      for (int i = 1; i < lines.length; i++) {
        Matcher m = spanLine.matcher(lines[i]);
        if (m.matches()) {
          spans.add(new EbpfSpan(m.group(2), m.group(3), m.group(4), new LinkedHashMap<>()));
          ebpfAttributes(m.group(5), spans.get(spans.size() - 1).attributes());
        } else {
          assertThat(spans).as("%s: %s continues a span", block.where(), lines[i]).isNotEmpty();
          ebpfAttributes(lines[i].strip(), spans.get(spans.size() - 1).attributes());
        }
      }
      assertThat(spans).as(block.where()).isNotEmpty();
      for (EbpfSpan span : spans) {
        boolean kernel = span.name().equals("tcp.connect") || span.name().startsWith("syscall.")
            || span.name().equals("process.exec");
        if (kernel) {
          String expectedKind = span.name().equals("tcp.connect")
              || span.name().equals("syscall.connect") ? "CLIENT" : "INTERNAL";
          assertThat(span.kind()).as("%s: %s", block.where(), span.name()).isEqualTo(expectedKind);
        } else {
          assertThat(appTest).as("%s: the test makes span %s", block.where(), span.name())
              .contains("\"" + span.name() + "\"");
        }
        for (Map.Entry<String, String> a : span.attributes().entrySet()) {
          String key = a.getKey();
          if (key.startsWith("thread.")) {
            assertThat(threadKeys).as("%s: %s", block.where(), key).contains(key);
          } else if (kernel) {
            assertThat(kernelKeys).as("%s: %s emits %s", block.where(), span.name(), key)
                .contains(key);
          } else {
            assertThat(appTest).as("%s: the test sets %s", block.where(), key)
                .contains("\"" + key + "\"");
          }
        }
        String errno = span.attributes().get("syscall.errno");
        if (errno != null) {
          assertThat(span.attributes().get("error.type")).as(block.where())
              .isEqualTo(Errno.name(Integer.parseInt(errno)));
        }
        if (kernel && span.status().equals("ERROR")) {
          assertThat(ebpfErrnoNames()).as(block.where()).contains(span.attributes().get("error.type"));
        }
      }
    }
  }

  @Test
  void kernelLogLineHasTheBridgesLoggerKeysAndMessage() throws Exception {
    String telemetry = ebpfSource("internal/KernelTelemetry.java");
    Matcher call = Pattern.compile("LOG\\.at(\\w+)\\(\\)((?:\\s*\\.addKeyValue\\(\"\\w+\", [^)]*\\))+)"
        + "\\s*\\.log\\(\"([^\"]*)\"").matcher(telemetry);
    assertThat(call.find()).as("KernelTelemetry logs with keys").isTrue();
    String level = call.group(1).toUpperCase(java.util.Locale.ROOT);
    List<String> keys = new ArrayList<>();
    Matcher k = Pattern.compile("addKeyValue\\(\"(\\w+)\"").matcher(call.group(2));
    while (k.find()) {
      keys.add(k.group(1));
    }
    Pattern message = Pattern.compile(
        Pattern.quote(call.group(3)).replace("{}", "\\E(.*?)\\Q").replace("\\Q\\E", ""));

    List<DocBlocks.Block> blocks = DocBlocks.checked("ebpf-log");
    assertThat(blocks).isNotEmpty();
    for (DocBlocks.Block block : blocks) {
      String[] lines = block.text().strip().split("\n");
      assertThat(lines).as(block.where()).hasSize(2);
      Matcher head = Pattern.compile("^(\\w+) (\\S+)((?: \\w+=\"[^\"]*\")*)$").matcher(lines[0]);
      assertThat(head.matches()).as(block.where()).isTrue();
      assertThat(head.group(1)).as(block.where()).isEqualTo(level);
      assertThat(head.group(2)).as(block.where()).isEqualTo(KernelTelemetry.LOGGER);
      Map<String, String> pairs = new LinkedHashMap<>();
      Matcher p = Pattern.compile("(\\w+)=\"([^\"]*)\"").matcher(head.group(3));
      while (p.find()) {
        pairs.put(p.group(1), p.group(2));
      }
      assertThat(new ArrayList<>(pairs.keySet())).as(block.where()).isEqualTo(keys);
      assertThat(lines[1]).as(block.where()).startsWith("  - ");
      Matcher m = message.matcher(lines[1].substring(4));
      assertThat(m.matches()).as("%s: message in the format %s", block.where(), call.group(3))
          .isTrue();
      // Arguments: syscall, args, errno name, errno number — the same values as the keys.
      assertThat(m.group(1)).as(block.where()).isEqualTo(pairs.get("syscall"));
      assertThat(m.group(2)).as(block.where()).isEqualTo(pairs.get("args"));
      assertThat(m.group(3)).as(block.where()).isEqualTo(pairs.get("errno"));
      assertThat(Errno.name(Integer.parseInt(m.group(4)))).as(block.where())
          .isEqualTo(pairs.get("errno"));
    }
  }

  private record EbpfSpan(String name, String kind, String status, Map<String, String> attributes) {}

  private static void ebpfAttributes(String text, Map<String, String> out) {
    for (String pair : text.trim().split("\\s+")) {
      int eq = pair.indexOf('=');
      assertThat(eq).as("attribute %s", pair).isPositive();
      out.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
  }

  /** Prometheus sample name -> OTel instrument name, by the OTel Prometheus naming rules. */
  private static Map<String, String> ebpfPrometheusSampleNames(String sources) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = Pattern.compile("\\.(histogram|counter|upDownCounter|gauge)Builder\\(\"([^\"]+)\"\\)")
        .matcher(sources);
    List<int[]> starts = new ArrayList<>();
    List<String[]> found = new ArrayList<>();
    while (m.find()) {
      starts.add(new int[] {m.end()});
      found.add(new String[] {m.group(1), m.group(2)});
    }
    for (int i = 0; i < found.size(); i++) {
      int end = sources.indexOf(';', starts.get(i)[0]);
      String chain = sources.substring(starts.get(i)[0], end);
      Matcher unit = Pattern.compile("setUnit\\(\"([^\"]*)\"\\)").matcher(chain);
      String base = found.get(i)[1].replace('.', '_');
      String suffix = unit.find() ? ebpfUnitSuffix(unit.group(1)) : null;
      if (suffix != null && !base.endsWith("_" + suffix) && !base.contains(suffix)) {
        base = base + "_" + suffix;
      }
      switch (found.get(i)[0]) {
        case "histogram" -> {
          out.put(base + "_bucket", found.get(i)[1]);
          out.put(base + "_count", found.get(i)[1]);
          out.put(base + "_sum", found.get(i)[1]);
        }
        case "counter" -> out.put(base + "_total", found.get(i)[1]);
        default -> out.put(base, found.get(i)[1]);
      }
    }
    assertThat(out).as("instruments found in the bridge's sources").hasSizeGreaterThan(5);
    return out;
  }

  private static @Nullable String ebpfUnitSuffix(String unit) {
    return switch (unit) {
      case "s" -> "seconds";
      case "ms" -> "milliseconds";
      case "By" -> "bytes";
      default -> unit.startsWith("{") || unit.equals("1") ? null : unit;
    };
  }

  private static List<String> ebpfKeys(String source) {
    List<String> keys = new ArrayList<>();
    Matcher m = Pattern.compile("AttributeKey\\.\\w+Key\\(\\s*\"([^\"]+)\"\\)").matcher(source);
    while (m.find()) {
      keys.add(m.group(1));
    }
    assertThat(keys).isNotEmpty();
    return keys;
  }

  private static Set<String> ebpfErrnoNames() {
    Set<String> names = new HashSet<>();
    for (int i = 1; i < 200; i++) {
      names.add(Errno.name(i));
    }
    return names;
  }

  private static String ebpfSource(String path) throws Exception {
    return Files.readString(DocBlocks.repoRoot().resolve(EBPF_MAIN + path));
  }

  private static AvailabilityProbe.Environment ebpfEnvironment(String status) {
    return new AvailabilityProbe.Environment() {
      @Override
      public String osName() {
        return "Linux";
      }

      @Override
      public String osArch() {
        return "amd64";
      }

      @Override
      public String kernelRelease() {
        return "6.8.0-45-generic";
      }

      @Override
      public boolean btfPresent() {
        return true;
      }

      @Override
      public String procSelfStatus() {
        return status;
      }

      @Override
      public boolean nativeLibraryLoaded() {
        return true;
      }

      @Override
      public String nativeLibraryDescription() {
        return "loaded";
      }
    };
  }
}
