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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The block kinds of README.md, architecture.md, configuration.md, tracing.md, metrics.md and
 * logs.md that need more than a syntax check: each is compared with what obs really does.
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
        Map.of(), List.of(), List.of(), List.of(), null, false);
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
}
