// SPDX-License-Identifier: Apache-2.0
package io.obs.examples.shop.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.obs.Observability;
import io.obs.config.ObsConfigException;
import io.obs.examples.shop.launcher.ShopLauncher;
import io.obs.config.ObsConfig;
import io.obs.internal.ConfigLoader;
import io.obs.internal.HostSettings;
import io.obs.internal.RuntimeRequest;
import io.obs.logging.LogFields;
import io.opentelemetry.api.common.AttributeKey;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Keeps the pages of {@link DocBlocks#PAGES} honest: every fenced
 * block is either a region of a real file that the build compiles ({@code include}) or is validated
 * here by kind ({@code check}). The kinds that need running services (PromQL, LogQL, Grafana
 * settings, sample log lines) are checked against live output by {@code ShopIT}.
 */
class DocsTest {

  /** Kinds validated here or in ShopIT; a block with any other kind fails. */
  private static final Set<String> KINDS =
      Set.of("obs.yaml", "shell", "maven-dependencies", "kubernetes", "collector", "grafana",
          "log-line", "promql", "logql", "prometheus-rules", "application.yml", "boot-failure",
          // DocKindsTest
          "diagram", "span-data-path", "config-error", "prometheus-scrape", "log-sample",
          "log-text-line", "log-drop-report", "logback-xml", "alloy",
          // DocSnippetsTest
          "openmetrics-sample",
          // DocKindsTest, docs/ebpf.md
          "ebpf-metrics", "ebpf-warn", "ebpf-trace", "ebpf-log");

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyBlockIsIncludedFromAFileOrCheckedByKind() {
    List<DocBlocks.Block> blocks = DocBlocks.all();

    assertThat(blocks).hasSizeGreaterThan(10);
    assertThat(blocks)
        .allSatisfy(b -> assertThat(b.directive())
            .as("%s: a block needs <!-- include: path#tag --> or <!-- check: kind -->", b.where())
            .isNotNull());
    assertThat(blocks)
        .filteredOn(b -> "check".equals(b.directive()))
        .allSatisfy(b -> assertThat(KINDS).as(b.where()).contains(b.argument()));
  }

  @Test
  void includedBlocksEqualTheRegionsOfTheFilesTheyQuote() {
    List<DocBlocks.Block> included =
        DocBlocks.all().stream().filter(b -> "include".equals(b.directive())).toList();

    assertThat(included).isNotEmpty();
    for (DocBlocks.Block block : included) {
      String argument = block.argument();
      int hash = argument.indexOf('#');
      Path file = DocBlocks.repoRoot().resolve(hash < 0 ? argument : argument.substring(0, hash));
      String tag = hash < 0 ? null : argument.substring(hash + 1);
      assertThat(file).as(block.where()).isRegularFile();
      assertThat(block.text()).as("%s quotes %s", block.where(), argument)
          .isEqualTo(DocBlocks.region(file, tag));
    }
  }

  @Test
  void obsYamlBlocksAreValidAgainstEveryModulesKeys() {
    List<DocBlocks.Block> blocks = DocBlocks.checked("obs.yaml");

    assertThat(blocks).hasSizeGreaterThanOrEqualTo(3);
    for (DocBlocks.Block block : blocks) {
      RuntimeRequest request =
          new RuntimeRequest(null, block.text(), Map.of(), Map.of(), Map.of(), List.of(),
              List.of(), List.of(), null, false, null);
      assertThatCode(() -> ConfigLoader.load(request, ObsKeys.all()))
          .as(block.where())
          .doesNotThrowAnyException();
    }
  }

  /**
   * An {@code application.yml} block's {@code obs.*} properties, read the way the Spring Boot
   * starter hands them to obs (flat names, lists as {@code [i]}), pass obs's validation, and its
   * {@code spring.application.name} names the service.
   */
  @Test
  void applicationYmlBlocksAreValidObsProperties() {
    List<DocBlocks.Block> blocks = DocBlocks.checked("application.yml");

    assertThat(blocks).isNotEmpty();
    for (DocBlocks.Block block : blocks) {
      Map<String, Object> yaml = new Yaml(new SafeConstructor(new LoaderOptions()))
          .load(block.text());
      List<HostSettings.Property> properties = new ArrayList<>();
      flatten("", yaml.get("obs"), properties, block.where());
      assertThat(properties).as(block.where()).isNotEmpty();
      List<HostSettings.Property> defaults = new ArrayList<>();
      Object spring = yaml.get("spring");
      if (spring instanceof Map<?, ?> springMap
          && springMap.get("application") instanceof Map<?, ?> application
          && application.get("name") != null) {
        defaults.add(new HostSettings.Property("service.name",
            String.valueOf(application.get("name")), block.where(), 0));
      }
      RuntimeRequest request = new RuntimeRequest(null, "", Map.of(), Map.of(), Map.of(),
          List.of(), List.of(), List.of(), null, false,
          new HostSettings("Spring Boot (docs)", properties, defaults));
      ObsConfig config = ConfigLoader.load(request, ObsKeys.all());
      if (!defaults.isEmpty()) {
        assertThat(config.get(io.obs.config.CoreKeys.SERVICE_NAME)).as(block.where())
            .isEqualTo(defaults.get(0).value());
      }
    }
  }

  private static void flatten(String prefix, Object value, List<HostSettings.Property> out,
      String where) {
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> flatten(prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k, v,
          out, where));
    } else if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        flatten(prefix + "[" + i + "]", list.get(i), out, where);
      }
    } else {
      // Boot resolves ${NAME:default} itself; the docs' placeholders have defaults.
      String text = String.valueOf(value).replaceAll("\\$\\{[A-Z_]+:([^}]*)}", "$1");
      out.add(new HostSettings.Property(prefix, text, where, 0));
    }
  }

  /** A Boot start-up failure block shows the line obs really writes for that mistake. */
  @Test
  void bootFailureBlocksQuoteObssOwnProblemLine() {
    List<DocBlocks.Block> blocks = DocBlocks.checked("boot-failure");

    assertThat(blocks).isNotEmpty();
    Pattern problem = Pattern.compile("(?m)^  - (\\S+:\\d+:\\d+): '([a-z._]+)': .*$");
    for (DocBlocks.Block block : blocks) {
      assertThat(block.text()).as(block.where()).contains("APPLICATION FAILED TO START");
      Matcher line = problem.matcher(block.text());
      assertThat(line.find()).as(block.where()).isTrue();
      RuntimeRequest request = new RuntimeRequest(null, "", Map.of(), Map.of(), Map.of(),
          List.of(), List.of(), List.of(), null, false, new HostSettings("Spring Boot (docs)",
              List.of(new HostSettings.Property(line.group(2), "0.5", line.group(1), 0)),
              List.of()));
      ObsConfigException error = org.assertj.core.api.Assertions.catchThrowableOfType(
          ObsConfigException.class, () -> ConfigLoader.load(request, ObsKeys.all()));
      assertThat(error).as(block.where()).isNotNull();
      assertThat("  - " + error.problems().get(0)).as(block.where()).isEqualTo(line.group());
    }
  }

  @Test
  void theConfigValidationActuallyRejectsAWrongKey() {
    RuntimeRequest request =
        new RuntimeRequest(null, "traces:\n  exporterr: zipkin\n", Map.of(), Map.of(), Map.of(),
            List.of(), List.of(), List.of(), null, false, null);

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> ConfigLoader.load(request, ObsKeys.all()))
        .isInstanceOf(ObsConfigException.class)
        .hasMessageContaining("traces.exporter");
  }

  @Test
  void mavenBlocksUseTheRealVersionOrImportTheRealBomAndOnlyArtifactsItManages()
      throws Exception {
    Document root = xml(Files.readString(DocBlocks.repoRoot().resolve("pom.xml")));
    String version = childText(root.getDocumentElement(), "version");
    Document bom = xml(Files.readString(DocBlocks.repoRoot().resolve("obs-bom/pom.xml")));
    Set<String> managed = new HashSet<>();
    NodeList bomDeps = bom.getElementsByTagName("dependency");
    for (int i = 0; i < bomDeps.getLength(); i++) {
      managed.add(childText((Element) bomDeps.item(i), "artifactId"));
    }
    assertThat(childText(bom.getDocumentElement(), "version")).isEqualTo(version);

    List<DocBlocks.Block> blocks = DocBlocks.checked("maven-dependencies");
    assertThat(blocks).isNotEmpty();
    for (DocBlocks.Block block : blocks) {
      // A snippet may hold several top-level elements; wrap it as the <project> it goes into.
      Document doc = xml("<project>" + block.text() + "</project>");
      NodeList deps = doc.getElementsByTagName("dependency");
      assertThat(deps.getLength()).as(block.where()).isPositive();
      boolean importsBom = false;
      boolean unversioned = false;
      for (int i = 0; i < deps.getLength(); i++) {
        Element dep = (Element) deps.item(i);
        assertThat(childText(dep, "groupId")).as(block.where()).isEqualTo("io.obs");
        String artifact = childText(dep, "artifactId");
        if (!artifact.equals("obs-bom") && hasChild(dep, "version")) {
          // A single artifact with its version, as in the README's quick start.
          assertThat(childText(dep, "version")).as(block.where()).isEqualTo(version);
          assertThat(managed).as("%s: %s is an obs artifact", block.where(), artifact)
              .contains(artifact);
        } else if (artifact.equals("obs-bom")) {
          assertThat(childText(dep, "version")).as(block.where()).isEqualTo(version);
          assertThat(childText(dep, "type")).as(block.where()).isEqualTo("pom");
          assertThat(childText(dep, "scope")).as(block.where()).isEqualTo("import");
          importsBom = true;
        } else {
          assertThat(managed).as("%s: the BOM manages %s", block.where(), artifact)
              .contains(artifact);
          unversioned = true;
        }
      }
      assertThat(importsBom || !unversioned)
          .as("%s: dependencies without a version import obs-bom", block.where()).isTrue();
    }
  }

  @Test
  void shellBlocksUseRealPathsOptionsAndVariables() throws Exception {
    Set<String> variables = new HashSet<>(ObsKeys.environmentVariables());
    String launcherSource = Files.readString(DocBlocks.repoRoot().resolve(
        "examples/shop/src/main/java/io/obs/examples/shop/launcher/ShopLauncher.java"));
    String shopPom = Files.readString(DocBlocks.repoRoot().resolve("examples/shop/pom.xml"));
    Pattern assignment = Pattern.compile("(?:^|\\s)([A-Z][A-Z0-9_]+)=");
    Pattern path = Pattern.compile("(?:^|\\s)((?:\\./)?(?:examples|docs|obs-[a-z-]+)/\\S*|\\./mvnw)");
    Pattern url = Pattern.compile("https?://(?:localhost|127\\.0\\.0\\.1):(\\d+)(/[^\\s'\"?]*)?");

    List<DocBlocks.Block> blocks = DocBlocks.checked("shell");
    assertThat(blocks).isNotEmpty();
    for (DocBlocks.Block block : blocks) {
      String text = block.text().replace("\\\n", " ");
      for (String line : text.split("\n")) {
        if (line.startsWith("#")) {
          continue;
        }
        // The variables of one command must form a valid obs configuration, as init() sees it.
        Map<String, String> env = new HashMap<>();
        Matcher v = Pattern.compile("(?:^|\\s)([A-Z][A-Z0-9_]+)=(\\S+)").matcher(line);
        while (v.find()) {
          env.put(v.group(1), v.group(2));
        }
        if (!env.isEmpty()) {
          RuntimeRequest request = new RuntimeRequest(null, "", Map.of(), env, Map.of(),
              List.of(), List.of(), List.of(), null, false, null);
          assertThatCode(() -> ConfigLoader.load(request, ObsKeys.all()))
              .as("%s: %s", block.where(), env)
              .doesNotThrowAnyException();
        }
        Matcher a = assignment.matcher(line);
        while (a.find()) {
          String name = a.group(1);
          assertThat(variables.contains(name) || launcherSource.contains("\"" + name + "\""))
              .as("%s: %s is neither an obs/OTel variable nor one the shop reads",
                  block.where(), name)
              .isTrue();
        }
        Matcher p = path.matcher(line);
        while (p.find()) {
          // A class path holds several paths; $(...) parts are computed by the shell.
          for (String part : p.group(1).split(":")) {
            String file = part.replaceFirst("^\\./", "");
            Matcher built = Pattern.compile("^((?:examples/)?[a-z-]+)/target/.*").matcher(file);
            if (file.equals("examples/shop/target/shop-launcher.jar")) {
              assertThat(shopPom).as(block.where())
                  .contains("<finalName>shop-launcher</finalName>");
            } else if (built.matches()) {
              // Build output exists only after the build; the module that makes it must.
              assertThat(DocBlocks.repoRoot().resolve(built.group(1)).resolve("pom.xml"))
                  .as(block.where()).isRegularFile();
            } else if (!file.startsWith("$(") && !file.isEmpty()) {
              assertThat(DocBlocks.repoRoot().resolve(file)).as(block.where()).exists();
            }
          }
        }
        Matcher jmhMain = Pattern.compile(
            "\\s(?:\\./)?((?:examples/)?[a-z-]+)/target/\\S*\\s+(org\\.openjdk\\.jmh\\.Main\\s.*)")
            .matcher(line);
        if (jmhMain.find()) {
          checkJmhSelection(block, DocBlocks.repoRoot().resolve(jmhMain.group(1)),
              jmhMain.group(2).replace("\"", ""));
        }
        Matcher make = Pattern.compile("^make -C (\\S+)(?:\\s+([\\w-]+))?").matcher(
            line.replaceFirst("\\s#.*$", ""));
        if (make.find()) {
          Path makefile = DocBlocks.repoRoot().resolve(make.group(1)).resolve("Makefile");
          assertThat(makefile).as(block.where()).isRegularFile();
          if (make.group(2) != null) {
            assertThat(Files.readString(makefile)).as("%s: make target %s", block.where(),
                make.group(2)).containsPattern("(?m)^" + Pattern.quote(make.group(2)) + ":");
          }
        }
        checkMavenArguments(block, line);
        int jar = line.indexOf("shop-launcher.jar");
        if (jar >= 0) {
          String[] options = line.substring(jar + "shop-launcher.jar".length()).trim().split("\\s+");
          String[] given = options.length == 1 && options[0].isEmpty() ? new String[0] : options;
          assertThatCode(() -> ShopLauncher.Options.parse(given)).as(block.where())
              .doesNotThrowAnyException();
        }
        Matcher u = url.matcher(line);
        while (u.find()) {
          String port = u.group(1);
          String urlPath = u.group(2) == null ? "" : u.group(2);
          switch (port) {
            case "9464", "9465", "9466" ->
                assertThat(urlPath).as(block.where()).isIn("/metrics", "/healthz", "/readyz");
            case "8080" -> assertThat(urlPath).as(block.where()).matches("/orders/[^/]+|/hello");
            case "8081" -> assertThat(urlPath).as(block.where()).matches("/stock/[^/]+");
            case "8082" -> assertThat(urlPath).as(block.where()).isEqualTo("/payments/authorize");
            case "9411" -> assertThat(urlPath).as(block.where()).isEqualTo("/api/v2/spans");
            default -> throw new AssertionError(block.where() + ": unexpected port " + port);
          }
        }
      }
    }
  }

  @Test
  void kubernetesManifestsSetWhatObsReadsAndGrantOnlyBpfCapabilities() throws Exception {
    Set<String> variables = ObsKeys.environmentVariables();
    List<DocBlocks.Block> blocks = DocBlocks.checked("kubernetes");
    assertThat(blocks).isNotEmpty();
    Set<String> downward = new HashSet<>();
    boolean capabilities = false;
    for (DocBlocks.Block block : blocks) {
      assertThat(block.text()).as(block.where()).doesNotContain("privileged: true");
      for (Object doc : yaml().loadAll(new StringReader(block.text()))) {
        assertThat(doc).as(block.where()).isInstanceOf(Map.class);
        List<Map<String, Object>> containers = new ArrayList<>();
        collect(doc, "containers", containers);
        for (Map<String, Object> container : containers) {
          for (Object e : list(container.get("env"))) {
            Map<?, ?> env = (Map<?, ?>) e;
            String name = String.valueOf(env.get("name"));
            if (name.startsWith("K8S_")) {
              downward.add(name);
              assertThat(env.get("valueFrom")).as("%s: %s from the downward API", block.where(), name)
                  .isNotNull();
            } else if (name.startsWith("OBS_") || name.startsWith("OTEL_")) {
              assertThat(variables).as(block.where()).contains(name);
            }
          }
          Object security = container.get("securityContext");
          if (security instanceof Map<?, ?> s && s.get("capabilities") instanceof Map<?, ?> c) {
            assertThat(list(c.get("add")))
                .as(block.where())
                .containsExactlyInAnyOrder((Object) "BPF", "PERFMON");
            capabilities = true;
          }
        }
      }
    }
    assertThat(downward)
        .containsExactlyInAnyOrder("K8S_POD_NAME", "K8S_NAMESPACE_NAME", "K8S_NODE_NAME", "K8S_POD_UID");
    assertThat(capabilities).as("a manifest grants the eBPF bridge its capabilities").isTrue();
    // And obs really turns each of them into its resource attribute.
    Map<String, String> env = new HashMap<>();
    for (String name : downward) {
      env.put(name, "value-of-" + name);
    }
    try (Observability obs = Observability.builder()
        .setConfigYaml("service:\n  name: k8s-check\nserver:\n  enabled: false\n")
        .setEnvironment(env)
        .setSystemProperties(Map.of())
        .setModules(List.of())
        .setRegisterGlobal(false)
        .build()) {
      assertThat(obs.resource().getAttribute(AttributeKey.stringKey("k8s.pod.name")))
          .isEqualTo("value-of-K8S_POD_NAME");
      assertThat(obs.resource().getAttribute(AttributeKey.stringKey("k8s.namespace.name")))
          .isEqualTo("value-of-K8S_NAMESPACE_NAME");
      assertThat(obs.resource().getAttribute(AttributeKey.stringKey("k8s.node.name")))
          .isEqualTo("value-of-K8S_NODE_NAME");
      assertThat(obs.resource().getAttribute(AttributeKey.stringKey("k8s.pod.uid")))
          .isEqualTo("value-of-K8S_POD_UID");
    }
  }

  @Test
  void collectorConfigsWireEveryPipelineToDefinedComponents() {
    List<DocBlocks.Block> blocks = DocBlocks.checked("collector");
    assertThat(blocks).isNotEmpty();
    for (DocBlocks.Block block : blocks) {
      Map<?, ?> config = (Map<?, ?>) yaml().load(block.text());
      Map<?, ?> pipelines = (Map<?, ?>) ((Map<?, ?>) config.get("service")).get("pipelines");
      assertThat(pipelines).as(block.where()).isNotEmpty();
      for (Map.Entry<?, ?> pipeline : pipelines.entrySet()) {
        assertThat(String.valueOf(pipeline.getKey())).matches("(traces|metrics|logs)(/.+)?");
        Map<?, ?> parts = (Map<?, ?>) pipeline.getValue();
        for (String section : List.of("receivers", "processors", "exporters")) {
          for (Object component : list(parts.get(section))) {
            Set<Object> defined = new HashSet<>(((Map<?, ?>) config.get(section)).keySet());
            assertThat(defined)
                .as("%s: pipeline %s uses %s %s", block.where(), pipeline.getKey(), section, component)
                .contains(component);
          }
        }
      }
    }
  }

  @Test
  void grafanaProvisioningReferencesOnlyDataSourcesItDefines() {
    List<DocBlocks.Block> blocks = DocBlocks.checked("grafana");
    assertThat(blocks).isNotEmpty();
    // A page may show one data source at a time; together they must define what they link to.
    Set<String> uids = new HashSet<>();
    for (DocBlocks.Block block : blocks) {
      Map<?, ?> config = (Map<?, ?>) yaml().load(block.text());
      for (Object ds : list(config.get("datasources"))) {
        uids.add(String.valueOf(((Map<?, ?>) ds).get("uid")));
      }
    }
    for (DocBlocks.Block block : blocks) {
      Map<?, ?> config = (Map<?, ?>) yaml().load(block.text());
      if (!config.containsKey("datasources")) {
        // A fragment: the jsonData of one data source.
        assertThat(new ArrayList<Object>(config.keySet())).as(block.where()).containsExactly("jsonData");
      }
      List<String> references = new ArrayList<>();
      collectValues(config, Set.of("datasourceUid"), references);
      assertThat(references).as(block.where()).isNotEmpty();
      assertThat(uids).as(block.where()).containsAll(references);
    }
  }

  @Test
  void sampleLogLinesUseObsFieldNames() throws Exception {
    List<DocBlocks.Block> blocks = DocBlocks.checked("log-line");
    assertThat(blocks).isNotEmpty();
    for (DocBlocks.Block block : blocks) {
      JsonNode line = JSON.readTree(block.text());
      List<String> names = new ArrayList<>();
      line.fieldNames().forEachRemaining(names::add);
      assertThat(names).as(block.where())
          .contains(LogFields.TIMESTAMP, LogFields.LEVEL, LogFields.MESSAGE, LogFields.SERVICE_NAME,
              LogFields.TRACE_ID, LogFields.SPAN_ID);
      assertThat(line.path(LogFields.TRACE_ID).asText()).matches("[0-9a-f]{32}");
    }
  }

  // ------------------------------------------------------------------------------- helpers

  /** The benchmark patterns among JMH's arguments each match a benchmark of the module. */
  private static void checkJmhSelection(DocBlocks.Block block, Path module, String arguments)
      throws Exception {
    List<String> benchmarks = new ArrayList<>();
    Path jmh = module.resolve("src/jmh/java");
    assertThat(jmh).as(block.where()).isDirectory();
    try (var files = Files.walk(jmh)) {
      files.filter(f -> f.toString().endsWith("Benchmark.java"))
          .forEach(f -> benchmarks.add(f.getFileName().toString().replace(".java", "")));
    }
    String[] tokens = arguments.trim().split("\\s+");
    for (int i = 0; i < tokens.length; i++) {
      String token = tokens[i];
      if (token.startsWith("-")) {
        i++; // every JMH/java option used in the docs takes one value
      } else if (!token.equals("org.openjdk.jmh.Main")) {
        Pattern selection = Pattern.compile(token);
        assertThat(benchmarks).as("%s: %s selects a benchmark", block.where(), token)
            .anyMatch(b -> selection.matcher(b).find());
      }
    }
  }

  /** {@code -pl} names a real module; {@code -P} a profile of it; {@code -D} a property it reads. */
  private static void checkMavenArguments(DocBlocks.Block block, String line) throws Exception {
    Matcher mvn = Pattern.compile("(?:^|\\s)(?:\\./mvnw|mvn)\\s").matcher(line);
    if (!mvn.find()) {
      return;
    }
    String command = line.replaceFirst("\\s#.*$", "");
    Matcher pl = Pattern.compile("\\s-pl\\s+(\\S+)").matcher(command);
    String pom = Files.readString(DocBlocks.repoRoot().resolve("pom.xml"));
    if (pl.find()) {
      Path module = DocBlocks.repoRoot().resolve(pl.group(1)).resolve("pom.xml");
      assertThat(module).as(block.where()).isRegularFile();
      pom = Files.readString(module);
    }
    Matcher profile = Pattern.compile("\\s-P(\\S+)").matcher(command);
    while (profile.find()) {
      assertThat(pom).as("%s: profile %s", block.where(), profile.group(1))
          .contains("<id>" + profile.group(1) + "</id>");
    }
    Matcher property = Pattern.compile("\\s-D([\\w.]+)=(\"[^\"]*\"|\\S+)").matcher(command);
    while (property.find()) {
      String name = property.group(1);
      if (pl.find(0) && name.matches("jmh\\.args|exec\\.args")) {
        checkJmhSelection(block, DocBlocks.repoRoot().resolve(pl.group(1)),
            property.group(2).replace("\"", ""));
      }
      Matcher goal = Pattern.compile("\\sdependency:([\\w-]+)").matcher(command);
      if (name.equals("exec.args")) {
        // Set up in the module or, as for the jmh profile, in the parent it inherits from.
        assertThat(pom + Files.readString(DocBlocks.repoRoot().resolve("pom.xml")))
            .as(block.where()).contains("exec-maven-plugin");
      } else if (goal.find() && !pom.contains("${" + name + "}")) {
        // A parameter of the dependency plugin's goal: its descriptor names the user property.
        assertThat(dependencyPluginGoal(goal.group(1)))
            .as("%s: dependency:%s reads -D%s", block.where(), goal.group(1), name)
            .contains(">${" + name + "}<");
      } else {
        assertThat(pom).as("%s: the module reads -D%s", block.where(), name)
            .contains("${" + name + "}");
      }
    }
  }

  /** The mojo of a maven-dependency-plugin goal, from the descriptor of the version the root pom pins. */
  private static String dependencyPluginGoal(String goal) throws Exception {
    String root = Files.readString(DocBlocks.repoRoot().resolve("pom.xml"));
    Matcher version = Pattern.compile(
        "<artifactId>maven-dependency-plugin</artifactId>\\s*<version>([^<]+)</version>").matcher(root);
    assertThat(version.find()).as("the root pom pins maven-dependency-plugin").isTrue();
    Path jar = Path.of(System.getProperty("user.home"), ".m2/repository/org/apache/maven/plugins",
        "maven-dependency-plugin", version.group(1),
        "maven-dependency-plugin-" + version.group(1) + ".jar");
    assertThat(jar).as("the plugin is in the local repository").isRegularFile();
    String descriptor;
    try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
      descriptor = new String(zip.getInputStream(zip.getEntry("META-INF/maven/plugin.xml"))
          .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    int start = descriptor.indexOf("<goal>" + goal + "</goal>");
    assertThat(start).as("dependency:%s exists", goal).isNotNegative();
    return descriptor.substring(start, descriptor.indexOf("</mojo>", start));
  }

  private static Yaml yaml() {
    return new Yaml(new SafeConstructor(new LoaderOptions()));
  }

  private static List<Object> list(Object value) {
    return value instanceof List<?> l ? new ArrayList<>(l) : List.of();
  }

  @SuppressWarnings("unchecked")
  private static void collect(Object node, String key, List<Map<String, Object>> out) {
    if (node instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (key.equals(e.getKey()) && e.getValue() instanceof List<?> l) {
          for (Object o : l) {
            out.add((Map<String, Object>) o);
          }
        } else {
          collect(e.getValue(), key, out);
        }
      }
    } else if (node instanceof List<?> l) {
      for (Object o : l) {
        collect(o, key, out);
      }
    }
  }

  private static void collectValues(Object node, Set<String> keys, List<String> out) {
    if (node instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (keys.contains(String.valueOf(e.getKey()))) {
          out.add(String.valueOf(e.getValue()));
        } else {
          collectValues(e.getValue(), keys, out);
        }
      }
    } else if (node instanceof List<?> l) {
      for (Object o : l) {
        collectValues(o, keys, out);
      }
    }
  }

  private static Document xml(String text) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory.newDocumentBuilder().parse(new InputSource(new StringReader(text)));
  }

  private static boolean hasChild(Element parent, String name) {
    for (org.w3c.dom.Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static String childText(Element parent, String name) {
    for (org.w3c.dom.Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e.getTextContent().trim();
      }
    }
    throw new AssertionError("<" + parent.getTagName() + "> has no <" + name + ">");
  }

}
