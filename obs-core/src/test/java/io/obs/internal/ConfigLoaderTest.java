// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.obs.config.ConfigKey;
import io.obs.config.ConfigProblem;
import io.obs.config.CoreKeys;
import io.obs.config.ObsConfig;
import io.obs.config.ObsConfigException;
import io.obs.internal.redact.Redaction;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  private static final ConfigKey<List<String>> MODULE_LIST =
      ConfigKey.list("traces.propagators")
          .defaultValue(List.of("tracecontext", "baggage"))
          .allowedValues("tracecontext", "baggage", "b3")
          .build();

  @Test
  void unknownKeyNamesLineColumnAndNearestKey() {
    ObsConfigException error = failure("""
        service:
          name: shop
          enviroment: prod
        """);

    assertThat(error.problems()).singleElement().satisfies(problem -> {
      assertThat(problem.location()).isEqualTo("<inline>:3:3");
      assertThat(problem.key()).isEqualTo("service.enviroment");
      assertThat(problem.message()).contains("unknown key")
          .contains("did you mean 'service.environment'?");
    });
  }

  @Test
  void aKeyOfAMovedSectionNamesItsNewPlace() {
    ObsConfigException error = failure("""
        logs:
          redaction:
            mask: "[hidden]"
        """);

    assertThat(error.problems()).singleElement().satisfies(problem -> {
      assertThat(problem.location()).isEqualTo("<inline>:2:3");
      assertThat(problem.key()).isEqualTo("logs.redaction");
      assertThat(problem.message()).contains("it is now 'redaction' (moved from logs.redaction.*");
    });
  }

  @Test
  void aBadRedactionPatternIsAProblemOfItsKey() {
    ConfigProblem problem =
        Redaction.validate(
                ConfigLoader.load(
                    request("redaction:\n  patterns: ['ok-\\\\d+', '(unclosed']\n", Map.of(),
                        Map.of(), Map.of()),
                    keys()))
            .get(0);
    assertThat(problem.key()).isEqualTo("redaction.patterns");
    assertThat(problem.location()).isEqualTo("<inline>:2:13");
    assertThat(problem.message()).contains("'(unclosed' is not a valid regular expression");
  }

  @Test
  void misplacedKeySuggestsTheSectionItBelongsTo() {
    ObsConfigException error = failure("environment: prod\n");

    assertThat(error.problems().get(0).message()).contains("'service.environment'");
  }

  @Test
  void reportsEveryProblemAtOnceWithPositions() {
    ObsConfigException error = failure("""
        server:
          port: 70000
        exporter:
          endpoint: localhost:4317
          timeout: -5s
        traces:
          exporter: jaegr
          enabled: maybe
        metrics:
          export_interval: soon
        """);

    assertThat(error.problems()).extracting(ConfigProblem::location)
        .containsExactly("<inline>:2:9", "<inline>:4:13", "<inline>:5:12", "<inline>:7:13",
            "<inline>:8:12", "<inline>:10:20");
    assertThat(error.problems()).extracting(ConfigProblem::message).satisfiesExactly(
        port -> assertThat(port).isEqualTo("must be between 0 and 65535, got 70000"),
        url -> assertThat(url).contains("expected an http or https URL"),
        duration -> assertThat(duration).contains("must not be negative"),
        exporter -> assertThat(exporter)
            .contains("is not one of otlp, zipkin, console, none"),
        bool -> assertThat(bool).contains("expected true or false, got 'maybe'"),
        interval -> assertThat(interval).contains("expected a duration"));
    assertThat(error.getMessage()).startsWith("obs configuration is invalid (6 problems)");
  }

  @Test
  void unknownEnumValueSuggestsTheNearest() {
    ObsConfigException error = failure("traces:\n  exporter: zipkn\n");

    assertThat(error.problems().get(0).message()).endsWith("did you mean 'zipkin'?");
  }

  @Test
  void syntaxErrorNamesLineAndColumn() {
    ObsConfigException error = failure("service:\n  name: [unclosed\n");

    assertThat(error.problems()).singleElement().satisfies(problem -> {
      assertThat(problem.location()).startsWith("<inline>:3:");
      assertThat(problem.message()).startsWith("is not valid YAML");
    });
  }

  @Test
  void sectionGivenAScalarSaysWhatBelongsUnderIt() {
    ObsConfigException error = failure("server: 8080\n");

    assertThat(error.problems().get(0).message()).contains("is a section")
        .contains("such as 'enabled'");
  }

  @Test
  void wrongShapeForAScalarKeyIsReported() {
    ObsConfigException error = failure("service:\n  name:\n    - a\n    - b\n");

    assertThat(error.problems().get(0).message()).isEqualTo("expected a string, found a list");
  }

  @Test
  void duplicateKeysAreReported() {
    ObsConfigException error = failure("service:\n  name: a\n  name: b\n");

    assertThat(error.problems()).extracting(ConfigProblem::message).anyMatch(m ->
        m.contains("set twice") || m.contains("duplicate"));
  }

  @Test
  void missingFileIsAClearError(@TempDir Path dir) {
    RuntimeRequest request =
        withFile(request(null, Map.of(), Map.of(), Map.of()), dir.resolve("nope.yaml"));

    assertThatThrownBy(() -> ConfigLoader.load(request, keys()))
        .isInstanceOf(ObsConfigException.class)
        .hasMessageContaining("nope.yaml does not exist");
  }

  @Test
  void precedenceIsPropertyThenEnvironmentThenFileThenDefault() {
    String yaml = "service:\n  name: from-file\n  version: file-version\n  namespace: file-ns\n";
    Map<String, String> env = Map.of(
        "OBS_SERVICE_NAME", "from-env", "OBS_SERVICE_VERSION", "env-version");
    Map<String, String> properties = Map.of("obs.service.name", "from-property");

    ObsConfig config = ConfigLoader.load(request(yaml, env, properties, Map.of()), keys());

    assertThat(config.get(CoreKeys.SERVICE_NAME)).isEqualTo("from-property");
    assertThat(config.sourceOf(CoreKeys.SERVICE_NAME)).isEqualTo("system property obs.service.name");
    assertThat(config.get(CoreKeys.SERVICE_VERSION)).isEqualTo("env-version");
    assertThat(config.get(CoreKeys.SERVICE_NAMESPACE)).isEqualTo("file-ns");
    assertThat(config.sourceOf(CoreKeys.SERVICE_NAMESPACE)).isEqualTo("<inline>:4:14");
    assertThat(config.get(CoreKeys.SERVER_PORT)).isEqualTo(9464);
    assertThat(config.sourceOf(CoreKeys.SERVER_PORT)).isEqualTo("default");
  }

  @Test
  void obsVariablesWinOverOpenTelemetryVariables() {
    ObsConfig config = load(null, Map.of(
        "OTEL_SERVICE_NAME", "otel-name", "OBS_SERVICE_NAME", "obs-name"));

    assertThat(config.get(CoreKeys.SERVICE_NAME)).isEqualTo("obs-name");
  }

  @Test
  void standardOpenTelemetryVariablesWork() {
    Map<String, String> env = new HashMap<>();
    env.put("OTEL_SERVICE_NAME", "checkout");
    env.put("OTEL_RESOURCE_ATTRIBUTES", "team=payments,deployment.environment.name=staging");
    env.put("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318");
    env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc");
    env.put("OTEL_EXPORTER_OTLP_HEADERS", "api-key=s3cr%3Dt,tenant=a");
    env.put("OTEL_EXPORTER_OTLP_TIMEOUT", "2500");
    env.put("OTEL_TRACES_EXPORTER", "logging");
    env.put("OTEL_METRICS_EXPORTER", "otlp");
    env.put("OTEL_LOGS_EXPORTER", "none");
    env.put("OTEL_EXPORTER_ZIPKIN_ENDPOINT", "http://zipkin:9411/api/v2/spans");

    ObsConfig config = load(null, env);

    assertThat(config.get(CoreKeys.SERVICE_NAME)).isEqualTo("checkout");
    assertThat(config.get(CoreKeys.RESOURCE_ATTRIBUTES))
        .containsEntry("team", "payments");
    assertThat(config.get(CoreKeys.SERVICE_ENVIRONMENT)).isEqualTo("staging");
    assertThat(config.get(CoreKeys.EXPORTER_ENDPOINT)).isEqualTo(URI.create("http://collector:4318"));
    assertThat(config.get(CoreKeys.EXPORTER_PROTOCOL)).isEqualTo("grpc");
    assertThat(config.get(CoreKeys.EXPORTER_HEADERS))
        .containsExactlyInAnyOrderEntriesOf(Map.of("api-key", "s3cr=t", "tenant", "a"));
    assertThat(config.get(CoreKeys.EXPORTER_TIMEOUT)).isEqualTo(Duration.ofMillis(2500));
    assertThat(config.get(CoreKeys.TRACES_EXPORTER)).isEqualTo("console");
    assertThat(config.get(CoreKeys.METRICS_EXPORTER)).isEqualTo("otlp");
    assertThat(config.get(CoreKeys.LOGS_EXPORTER)).isEqualTo("none");
    assertThat(config.get(CoreKeys.TRACES_ZIPKIN_ENDPOINT))
        .isEqualTo(URI.create("http://zipkin:9411/api/v2/spans"));
  }

  @Test
  void sdkDisabledVariableInvertsIntoEnabled() {
    assertThat(load(null, Map.of("OTEL_SDK_DISABLED", "true")).get(CoreKeys.ENABLED)).isFalse();
    assertThat(load(null, Map.of("OTEL_SDK_DISABLED", "false")).get(CoreKeys.ENABLED)).isTrue();
  }

  @Test
  void openTelemetrySystemPropertiesWorkToo() {
    ObsConfig config = ConfigLoader.load(
        request(null, Map.of("OTEL_SERVICE_NAME", "env"), Map.of("otel.service.name", "prop"),
            Map.of()), keys());

    assertThat(config.get(CoreKeys.SERVICE_NAME)).isEqualTo("prop");
  }

  @Test
  void mapsMergeEntryByEntryAcrossSources() {
    String yaml = "resource:\n  attributes:\n    team: file\n    region: eu\n";

    ObsConfig config = load(yaml, Map.of("OTEL_RESOURCE_ATTRIBUTES", "team=env"));

    assertThat(config.get(CoreKeys.RESOURCE_ATTRIBUTES))
        .containsExactlyInAnyOrderEntriesOf(Map.of("team", "env", "region", "eu"));
  }

  @Test
  void environmentSubstitutionUsesVariableOrDefault() {
    String yaml = """
        service:
          name: ${env:APP_NAME:-fallback}
          namespace: shop-${env:REGION}
        """;

    ObsConfig config = load(yaml, Map.of("REGION", "eu"));

    assertThat(config.get(CoreKeys.SERVICE_NAME)).isEqualTo("fallback");
    assertThat(config.get(CoreKeys.SERVICE_NAMESPACE)).isEqualTo("shop-eu");
  }

  @Test
  void substitutionOfAnUnsetVariableWithoutDefaultIsAnError() {
    ObsConfigException error = failure("service:\n  name: ${env:NOT_THERE}\n");

    assertThat(error.problems().get(0).message())
        .contains("NOT_THERE is not set and has no default");
  }

  @Test
  void durationsAcceptUnitsAndBareMilliseconds() {
    assertThat(ConfigLoader.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(ConfigLoader.parseDuration("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(ConfigLoader.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(ConfigLoader.parseDuration("100")).isEqualTo(Duration.ofMillis(100));
    assertThatThrownBy(() -> ConfigLoader.parseDuration("5 parsecs"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void listsAcceptSequencesAndCommaStringsAndCheckValues() {
    List<ConfigKey<?>> keys = new java.util.ArrayList<>(keys());
    keys.add(MODULE_LIST);

    ObsConfig fromYaml = ConfigLoader.load(
        request("traces:\n  propagators: [tracecontext, B3]\n", Map.of(), Map.of(), Map.of()),
        keys);
    ObsConfig fromEnv = ConfigLoader.load(
        request(null, Map.of("OBS_TRACES_PROPAGATORS", "b3, baggage"), Map.of(), Map.of()),
        keys);
    ObsConfigException bad = catchThrowableOfType(ObsConfigException.class,
        () -> ConfigLoader.load(
            request("traces:\n  propagators: [tracecontext, b4]\n", Map.of(), Map.of(), Map.of()),
            keys));

    assertThat(fromYaml.get(MODULE_LIST)).containsExactly("tracecontext", "b3");
    assertThat(fromEnv.get(MODULE_LIST)).containsExactly("b3", "baggage");
    assertThat(bad.problems().get(0).message()).contains("'b4' is not one of")
        .contains("did you mean 'b3'?");
  }

  @Test
  void withoutAnythingConfiguredNothingIsExportedAndTheNameIsDerived() {
    ObsConfig config = ConfigLoader.load(
        request(null, Map.of(), Map.of("sun.java.command", "com.acme.OrderService --port 1"),
            Map.of()), keys());

    assertThat(config.get(CoreKeys.SERVICE_NAME)).isEqualTo("order-service");
    assertThat(config.sourceOf(CoreKeys.SERVICE_NAME))
        .isEqualTo("derived from the main class com.acme.OrderService");
    assertThat(config.get(CoreKeys.TRACES_EXPORTER)).isEqualTo("none");
    assertThat(config.get(CoreKeys.LOGS_EXPORTER)).isEqualTo("none");
    assertThat(config.get(CoreKeys.METRICS_EXPORTER)).isEqualTo("prometheus");
  }

  @Test
  void exporterDefaultsFollowTheConfiguredEndpoints() {
    ObsConfig otlp = load(null, Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"));
    ObsConfig zipkin = load(null, Map.of("OTEL_EXPORTER_ZIPKIN_ENDPOINT", "http://z:9411"));

    assertThat(otlp.get(CoreKeys.TRACES_EXPORTER)).isEqualTo("otlp");
    assertThat(otlp.get(CoreKeys.LOGS_EXPORTER)).isEqualTo("otlp");
    assertThat(zipkin.get(CoreKeys.TRACES_EXPORTER)).isEqualTo("zipkin");
  }

  @Test
  void serverPathsMustBeAbsoluteAndDistinct() {
    ObsConfigException error = failure(
        "server:\n  paths:\n    health: healthz\n    ready: /metrics\n");

    assertThat(error.problems()).extracting(ConfigProblem::key)
        .containsExactly("server.paths.health", "server.paths.metrics");
  }

  @Test
  void unknownOverrideKeyIsAnError() {
    assertThatThrownBy(() -> ConfigLoader.load(
        request(null, Map.of(), Map.of(), Map.of("server.prot", "1")), keys()))
        .isInstanceOf(ObsConfigException.class)
        .hasMessageContaining("did you mean 'server.port'?");
  }

  @Test
  void readsAFileAndNamesItInErrors(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("obs.yaml");
    Files.writeString(file, "server:\n  port: -1\n");

    ObsConfigException error = catchThrowableOfType(ObsConfigException.class,
        () -> ConfigLoader.load(withFile(request(null, Map.of(), Map.of(), Map.of()), file),
            keys()));

    assertThat(error.problems().get(0).location()).isEqualTo(file + ":2:9");
  }

  @Test
  void configFileCanBeNamedByPropertyOrEnvironment(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("custom.yaml");
    Files.writeString(file, "service:\n  name: from-custom\n");

    ObsConfig byEnv = ConfigLoader.load(
        request(null, Map.of("OBS_CONFIG", file.toString()), Map.of(), Map.of()), keys());
    ObsConfig byProperty = ConfigLoader.load(
        request(null, Map.of(), Map.of("obs.config", file.toString()), Map.of()), keys());

    assertThat(byEnv.get(CoreKeys.SERVICE_NAME)).isEqualTo("from-custom");
    assertThat(byProperty.file()).contains(file);
  }

  @Test
  void obsYamlOnTheClasspathIsFoundWhenNothingElseIs(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("obs.yaml"), "service:\n  name: from-classpath\n");
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    try (java.net.URLClassLoader loader =
        new java.net.URLClassLoader(new java.net.URL[] {dir.toUri().toURL()}, previous)) {
      Thread.currentThread().setContextClassLoader(loader);

      ObsConfig config = ConfigLoader.load(request(null, Map.of(), Map.of(), Map.of()), keys());

      assertThat(config.get(CoreKeys.SERVICE_NAME)).isEqualTo("from-classpath");
      assertThat(config.sourceOf(CoreKeys.SERVICE_NAME)).isEqualTo("classpath:obs.yaml:2:9");
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(10)
  void aHugeLineIsRefusedBeforeTheParserSeesIt() {
    // 10 MB in one comment line took SnakeYAML half a minute; now it is refused at once.
    String yaml = "service:\n  name: big\n# " + "x".repeat(10_000_000) + "\n";

    ObsConfigException error = failure(yaml);

    assertThat(error.problems()).singleElement().satisfies(p -> {
      assertThat(p.location()).isEqualTo("<inline>:3:1");
      assertThat(p.message()).contains("line 3 is longer than 16384 characters");
    });
  }

  @Test
  @org.junit.jupiter.api.Timeout(10)
  void aFileLargerThanAnyConfigurationIsRefused() {
    String yaml = "service:\n  name: big\n" + "# filler line\n".repeat(200_000);

    assertThat(failure(yaml).getMessage()).contains("is larger than 1048576 characters");
  }

  @Test
  void credentialsInAnEndpointAreNeverEchoed() {
    ObsConfigException error = failure("exporter:\n  endpoint: http://user:s3cret@collector 4318\n");

    assertThat(error.getMessage()).doesNotContain("s3cret").contains("exporter.endpoint");
  }

  @Test
  void theOriginNamesWhereObsLookedAndANearMissIsWarnedAbout(@org.junit.jupiter.api.io.TempDir
      Path dir) throws Exception {
    Files.writeString(dir.resolve("obs.yml"), "service:\n  name: typo\n");
    List<java.util.logging.LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler handler = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord record) {
        records.add(record);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    java.util.logging.Logger.getLogger("io.obs").addHandler(handler);
    try {
      ObsConfig config = ConfigLoader.load(
          request(null, Map.of(), Map.of("user.dir", dir.toString()), Map.of()), keys());

      assertThat(config.origin()).startsWith("no obs.yaml (looked for "
          + dir.resolve("obs.yaml") + " and obs.yaml on the class path;");
      assertThat(records).anySatisfy(r -> assertThat(r.getMessage())
          .contains("found " + dir.resolve("obs.yml") + ", but obs reads ./obs.yaml")
          .contains("OBS_CONFIG=obs.yml"));
    } finally {
      java.util.logging.Logger.getLogger("io.obs").removeHandler(handler);
    }
  }

  @Test
  void configNamingADirectorySaysSo(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("obs.yaml"), "service:\n  name: inside\n");

    ObsConfigException error = catchThrowableOfType(ObsConfigException.class,
        () -> ConfigLoader.load(request(null, Map.of("OBS_CONFIG", dir.toString()), Map.of(),
            Map.of()), keys()));

    assertThat(error.getMessage()).contains(dir + " is a directory; name the configuration file"
        + " itself (" + dir.resolve("obs.yaml") + " exists)");
  }

  @Test
  void anOpenTelemetrySamplerObsDoesNotSupportIsRejectedInOpenTelemetrysTerms() {
    ConfigKey<String> sampler = ConfigKey.oneOf("traces.sampler.type", "always_on", "ratio")
        .defaultValue("always_on")
        .alias("OTEL_TRACES_SAMPLER", v -> v, "always_on, traceidratio")
        .build();

    ObsConfigException error = catchThrowableOfType(ObsConfigException.class,
        () -> ConfigLoader.load(request(null, Map.of("OTEL_TRACES_SAMPLER", "xray"), Map.of(),
            Map.of()), List.of(sampler)));

    assertThat(error.getMessage()).contains("env OTEL_TRACES_SAMPLER: 'traces.sampler.type':"
        + " 'xray' is not a value obs supports for OTEL_TRACES_SAMPLER; it accepts always_on,"
        + " traceidratio");
  }

  private static ObsConfig load(@Nullable String yaml, Map<String, String> env) {
    return ConfigLoader.load(request(yaml, env, Map.of(), Map.of()), keys());
  }

  private static ObsConfigException failure(String yaml) {
    return catchThrowableOfType(ObsConfigException.class,
        () -> ConfigLoader.load(request(yaml, Map.of(), Map.of(), Map.of()), keys()));
  }

  private static List<ConfigKey<?>> keys() {
    return CoreKeys.ALL;
  }

  static RuntimeRequest request(@Nullable String yaml, Map<String, String> env,
      Map<String, String> properties, Map<String, String> overrides) {
    return new RuntimeRequest(null, yaml, overrides, env, properties, List.of(), List.of(),
        List.of(), List.of(), false, null);
  }

  static RuntimeRequest withFile(RuntimeRequest request, Path file) {
    return new RuntimeRequest(file, null, request.overrides(), request.environment(),
        request.systemProperties(), List.of(), List.of(), List.of(), List.of(), false, null);
  }
}
