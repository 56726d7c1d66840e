// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import io.obs.config.ConfigKey;
import io.obs.config.ConfigProblem;
import io.obs.config.CoreKeys;
import io.obs.config.ObsConfig;
import io.obs.config.ObsConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Internal: not for use outside obs. Finds, parses, layers and validates the configuration,
 * collecting every problem before failing.
 */
public final class ConfigLoader {

  /** System property naming the configuration file. */
  public static final String CONFIG_PROPERTY = "obs.config";

  /** Environment variable naming the configuration file. */
  public static final String CONFIG_ENV = "OBS_CONFIG";

  /** Looked up on first use: finding the logging back end is costly in a cold start. */
  private static System.Logger log() {
    return LogHolder.LOG;
  }

  private static final class LogHolder {
    static final System.Logger LOG = System.getLogger("io.obs");
  }

  private final RuntimeRequest request;
  private final Map<String, ConfigKey<?>> keys = new LinkedHashMap<>();
  private final Set<String> sections = new TreeSet<>();
  private final List<ConfigProblem> problems = new ArrayList<>();
  private final Map<String, RawValue> fileValues = new HashMap<>();
  /** obs keys set in the framework's configuration ({@code obs.*} in application.yml). */
  private final Map<String, RawValue> hostValues = new HashMap<>();
  /** The framework's own settings for obs keys, below obs.yaml. */
  private final Map<String, RawValue> hostDefaults = new HashMap<>();
  private String sourceName = "<defaults>";
  /** What was read, or where obs looked, for the start-up line. */
  private String fileOrigin = "defaults";

  private ConfigLoader(RuntimeRequest request, List<ConfigKey<?>> keys) {
    this.request = request;
    for (ConfigKey<?> key : keys) {
      if (this.keys.put(key.path(), key) != null) {
        throw new IllegalStateException("config key declared twice: " + key.path());
      }
      String path = key.path();
      int dot = path.lastIndexOf('.');
      while (dot > 0) {
        path = path.substring(0, dot);
        sections.add(path);
        dot = path.lastIndexOf('.');
      }
    }
    for (String section : sections) {
      if (this.keys.containsKey(section)) {
        throw new IllegalStateException("'" + section + "' is both a key and a section");
      }
    }
  }

  /**
   * Resolves the configuration for a request against the given keys.
   *
   * @throws ObsConfigException listing every problem found
   */
  public static ObsConfig load(RuntimeRequest request, List<ConfigKey<?>> keys) {
    return load(request, keys, config -> List.of());
  }

  /**
   * Resolves the configuration and runs further checks (the modules' own) on it; their problems
   * join the key problems in one exception. The checks see invalid values as their defaults.
   */
  public static ObsConfig load(RuntimeRequest request, List<ConfigKey<?>> keys,
      Function<ObsConfig, List<ConfigProblem>> checks) {
    return new ConfigLoader(request, keys).load(checks);
  }

  private ObsConfig load(Function<ObsConfig, List<ConfigProblem>> checks) {
    @Nullable Path file = readSource();
    readHost();
    Map<String, Object> values = new LinkedHashMap<>();
    Map<String, String> sources = new HashMap<>();
    for (ConfigKey<?> key : keys.values()) {
      resolve(key, values, sources);
    }
    warnAboutUnknownOverrides();
    checkOverridesAreKnown();
    if (problems.isEmpty()) {
      crossCheck(values, sources);
    }
    deriveDefaults(values, sources);
    ObsConfig config =
        new ObsConfig(List.copyOf(keys.values()), values, sources, file, origin(sources));
    problems.addAll(checks.apply(config));
    if (!problems.isEmpty()) {
      throw new ObsConfigException(inFileOrder(problems));
    }
    return config;
  }

  // ---------------------------------------------------------------- finding and parsing the file

  private @Nullable Path readSource() {
    if (request.configYaml() != null) {
      sourceName = "<inline>";
      fileOrigin = "inline YAML";
      try {
        parse(new StringReader(request.configYaml()));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e); // a StringReader does not fail
      }
      return null;
    }
    Path explicit = request.configFile();
    String origin = "Observability.init(Path)";
    if (explicit == null) {
      String property = request.systemProperties().get(CONFIG_PROPERTY);
      String env = request.environment().get(CONFIG_ENV);
      if (property != null && !property.isBlank()) {
        explicit = Path.of(property);
        origin = "system property " + CONFIG_PROPERTY;
      } else if (env != null && !env.isBlank()) {
        explicit = Path.of(env);
        origin = "environment variable " + CONFIG_ENV;
      }
    }
    if (explicit != null) {
      fileOrigin = "file " + explicit.toAbsolutePath() + " (named by " + origin + ")";
      if (Files.isDirectory(explicit)) {
        Path inside = explicit.resolve("obs.yaml");
        problems.add(new ConfigProblem(origin, "", explicit.toAbsolutePath()
            + " is a directory; name the configuration file itself"
            + (Files.isRegularFile(inside) ? " (" + inside.toAbsolutePath() + " exists)" : "")));
        return explicit;
      }
      if (!Files.isRegularFile(explicit)) {
        problems.add(
            new ConfigProblem(
                origin, "", "configuration file " + explicit.toAbsolutePath() + " does not exist"));
        return explicit;
      }
      return readFile(explicit);
    }
    Path local = workingDirectory().resolve("obs.yaml");
    if (Files.isRegularFile(local)) {
      fileOrigin = "file " + local.toAbsolutePath();
      // Errors name it as the user sees it from the working directory.
      return readFile(local, "obs.yaml");
    }
    URL resource = Thread.currentThread().getContextClassLoader() == null
        ? null
        : Thread.currentThread().getContextClassLoader().getResource("obs.yaml");
    if (resource == null) {
      resource = ConfigLoader.class.getClassLoader().getResource("obs.yaml");
    }
    warnAboutNearMisses(resource != null);
    if (resource != null) {
      sourceName = "classpath:obs.yaml";
      fileOrigin = "classpath:obs.yaml (" + resource + ")";
      try (InputStream in = resource.openStream()) {
        parse(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
      } catch (IOException e) {
        problems.add(new ConfigProblem(sourceName, "", "cannot be read: " + e.getMessage()));
      }
    } else {
      fileOrigin = "no obs.yaml (looked for " + local.toAbsolutePath() + " and obs.yaml on the"
          + " class path; " + CONFIG_ENV + " and -D" + CONFIG_PROPERTY + " are unset)";
    }
    return null;
  }

  /** The working directory as the request's system properties say ({@code user.dir}). */
  private Path workingDirectory() {
    String dir = request.systemProperties().get("user.dir");
    return dir == null || dir.isBlank() ? Path.of("").toAbsolutePath() : Path.of(dir);
  }

  /**
   * No ./obs.yaml was found: a file that was probably meant to be it is named in a WARN line, since
   * obs would otherwise start on defaults without a word.
   */
  private void warnAboutNearMisses(boolean onClassPath) {
    Path cwd = workingDirectory();
    String fallback = onClassPath ? "obs.yaml from the class path" : "defaults";
    for (String name : List.of("obs.yml", "obs.YAML", "obs.yaml.txt", "config/obs.yaml")) {
      Path candidate = cwd.resolve(name);
      if (Files.isRegularFile(candidate)) {
        log().log(System.Logger.Level.WARNING, "obs: found " + candidate
            + ", but obs reads ./obs.yaml (or the file " + CONFIG_ENV + " names), so it uses "
            + fallback + "; rename the file or set " + CONFIG_ENV + "=" + name);
      }
    }
    Path jar = ServiceNames.mainJar(request.systemProperties());
    Path jarDirectory = jar == null ? null : jar.toAbsolutePath().getParent();
    if (jarDirectory != null && !jarDirectory.equals(cwd)
        && Files.isRegularFile(jarDirectory.resolve("obs.yaml"))) {
      log().log(System.Logger.Level.WARNING, "obs: found " + jarDirectory.resolve("obs.yaml")
          + " next to the application jar, but obs reads obs.yaml from the working directory ("
          + cwd + "), so it uses " + fallback + "; start the application from " + jarDirectory
          + " or set " + CONFIG_ENV + "=" + jarDirectory.resolve("obs.yaml"));
    }
  }

  private Path readFile(Path file) {
    return readFile(file, file.toString());
  }

  private Path readFile(Path file, String name) {
    sourceName = name;
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      parse(reader);
    } catch (IOException e) {
      problems.add(new ConfigProblem(sourceName, "", "cannot be read: " + e.getMessage()));
    }
    return file;
  }

  /** A configuration file holds settings, not data: more is a mistake or an attack. */
  static final int MAX_CHARACTERS = 1 << 20;

  /** The YAML parser's time grows with the square of a line's length; no setting needs more. */
  static final int MAX_LINE = 16 * 1024;

  /**
   * Reads at most {@link #MAX_CHARACTERS} and rejects a line longer than {@link #MAX_LINE}, before
   * the YAML parser sees anything: a 10 MB one-line comment took it half a minute, 50 MB ran the
   * heap out.
   */
  private void parse(Reader source) throws IOException {
    char[] buffer = new char[8192];
    StringBuilder text = new StringBuilder();
    int line = 1;
    int lineLength = 0;
    int read;
    while ((read = source.read(buffer)) != -1) {
      for (int i = 0; i < read; i++) {
        if (buffer[i] == '\n') {
          line++;
          lineLength = 0;
        } else if (++lineLength > MAX_LINE) {
          problems.add(new ConfigProblem(sourceName + ":" + line + ":1", "", "line " + line
              + " is longer than " + MAX_LINE + " characters; a configuration line never needs"
              + " that many, so obs does not read the file"));
          return;
        }
      }
      if (text.length() + read > MAX_CHARACTERS) {
        problems.add(new ConfigProblem(sourceName, "", "is larger than " + MAX_CHARACTERS
            + " characters; obs.yaml holds settings, not data, so obs does not read it"));
        return;
      }
      text.append(buffer, 0, read);
    }
    compose(new StringReader(text.toString()));
  }

  private void compose(Reader reader) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(10);
    options.setCodePointLimit(1 << 20);
    Node root;
    try {
      root = new Yaml(new SafeConstructor(options)).compose(reader);
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      problems.add(
          new ConfigProblem(
              location(mark), "", "is not valid YAML: " + firstLine(e.getProblem())));
      return;
    } catch (YAMLException e) {
      problems.add(
          new ConfigProblem(sourceName, "", "is not valid YAML: " + firstLine(e.getMessage())));
      return;
    }
    if (root == null || isNull(root)) {
      return;
    }
    if (!(root instanceof MappingNode mapping)) {
      problems.add(
          new ConfigProblem(
              location(root.getStartMark()), "", "the top level must be a mapping of keys"));
      return;
    }
    walk(mapping, "");
  }

  private void walk(MappingNode mapping, String prefix) {
    Set<String> seen = new HashSet<>();
    for (NodeTuple tuple : mapping.getValue()) {
      if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
        problems.add(
            new ConfigProblem(
                location(tuple.getKeyNode().getStartMark()), prefix, "keys must be plain names"));
        continue;
      }
      String name = keyNode.getValue().trim();
      String path = prefix.isEmpty() ? name : prefix + "." + name;
      Node valueNode = tuple.getValueNode();
      if (!seen.add(name)) {
        problems.add(
            new ConfigProblem(location(keyNode.getStartMark()), path, "is set twice"));
        continue;
      }
      ConfigKey<?> key = keys.get(path);
      if (key != null) {
        readLeaf(key, valueNode);
      } else if (sections.contains(path)) {
        if (valueNode instanceof MappingNode child) {
          walk(child, path);
        } else if (!isNull(valueNode)) {
          problems.add(
              new ConfigProblem(
                  location(valueNode.getStartMark()),
                  path,
                  "is a section: expected a mapping of keys under it, such as '"
                      + firstKeyUnder(path)
                      + "'"));
        }
      } else {
        problems.add(
            new ConfigProblem(
                location(keyNode.getStartMark()), path, unknownKeyMessage(path)));
      }
    }
  }

  private void readLeaf(ConfigKey<?> key, Node node) {
    if (isNull(node)) {
      return;
    }
    String at = location(node.getStartMark());
    switch (key.kind()) {
      case MAP -> {
        if (node instanceof MappingNode mapping) {
          Map<String, String> map = new LinkedHashMap<>();
          for (NodeTuple tuple : mapping.getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode k
                && tuple.getValueNode() instanceof ScalarNode v) {
              map.put(k.getValue(), substitute(v.getValue(), location(v.getStartMark()), key));
            } else {
              problems.add(
                  new ConfigProblem(
                      location(tuple.getKeyNode().getStartMark()),
                      key.path(),
                      "expected " + key.kind().expectation()));
            }
          }
          fileValues.put(key.path(), new RawValue(map, at));
        } else if (node instanceof ScalarNode scalar) {
          fileValues.put(
              key.path(), new RawValue(substitute(scalar.getValue(), at, key), at));
        } else {
          problems.add(
              new ConfigProblem(at, key.path(), "expected " + key.kind().expectation()));
        }
      }
      case LIST -> {
        if (node instanceof SequenceNode sequence) {
          List<String> list = new ArrayList<>();
          for (Node item : sequence.getValue()) {
            if (item instanceof ScalarNode scalar) {
              list.add(substitute(scalar.getValue(), location(item.getStartMark()), key));
            } else {
              problems.add(
                  new ConfigProblem(
                      location(item.getStartMark()), key.path(), "list items must be strings"));
            }
          }
          fileValues.put(key.path(), new RawValue(list, at));
        } else if (node instanceof ScalarNode scalar) {
          fileValues.put(
              key.path(), new RawValue(substitute(scalar.getValue(), at, key), at));
        } else {
          problems.add(
              new ConfigProblem(at, key.path(), "expected " + key.kind().expectation()));
        }
      }
      default -> {
        if (node instanceof ScalarNode scalar) {
          fileValues.put(
              key.path(), new RawValue(substitute(scalar.getValue(), at, key), at));
        } else {
          problems.add(
              new ConfigProblem(
                  at,
                  key.path(),
                  "expected "
                      + key.kind().expectation()
                      + ", found a "
                      + (node instanceof MappingNode ? "mapping" : "list")));
        }
      }
    }
  }

  private String substitute(String raw, String at, ConfigKey<?> key) {
    if (!raw.contains("${")) {
      return raw;
    }
    Matcher matcher = Patterns.SUBSTITUTION.matcher(raw);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String value = request.environment().get(matcher.group(1));
      if (value == null) {
        value = matcher.group(2);
      }
      if (value == null) {
        problems.add(
            new ConfigProblem(
                at,
                key.path(),
                "environment variable "
                    + matcher.group(1)
                    + " is not set and has no default (write ${env:"
                    + matcher.group(1)
                    + ":-default})"));
        value = "";
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  // ---------------------------------------------------------------- the framework's settings

  /** One framework property matched to its key; {@code part} is a list index or a map key. */
  private record HostEntry(ConfigKey<?> key, @Nullable String part, HostSettings.Property property) {}

  private void readHost() {
    HostSettings host = request.host();
    if (host == null) {
      return;
    }
    Map<String, List<HostEntry>> byKey = new LinkedHashMap<>();
    for (HostSettings.Property property : host.properties()) {
      HostEntry entry = hostEntry(property);
      if (entry != null) {
        byKey.computeIfAbsent(entry.key().path(), k -> new ArrayList<>()).add(entry);
      }
    }
    for (List<HostEntry> entries : byKey.values()) {
      // As in the framework itself: the property source with the highest precedence that sets a
      // key sets all of it, so a list in a profile replaces the base list rather than merging.
      int top = Integer.MAX_VALUE;
      for (HostEntry entry : entries) {
        top = Math.min(top, entry.property().source());
      }
      List<HostEntry> chosen = new ArrayList<>();
      HostEntry whole = null;
      for (HostEntry entry : entries) {
        if (entry.property().source() == top) {
          chosen.add(entry);
          if (entry.part() == null && whole == null) {
            whole = entry;
          }
        }
      }
      ConfigKey<?> key = chosen.get(0).key();
      String at = chosen.get(0).property().location();
      if (whole != null) {
        hostValues.put(key.path(), new RawValue(
            substitute(whole.property().value(), whole.property().location(), key),
            whole.property().location()));
      } else if (key.kind() == ConfigKey.Kind.LIST) {
        chosen.sort(java.util.Comparator.comparingInt(e -> Integer.parseInt(e.part())));
        List<String> list = new ArrayList<>();
        for (HostEntry entry : chosen) {
          list.add(entry.property().value());
        }
        hostValues.put(key.path(), new RawValue(list, at));
      } else {
        Map<String, String> map = new LinkedHashMap<>();
        for (HostEntry entry : chosen) {
          map.put(entry.part(), entry.property().value());
        }
        hostValues.put(key.path(), new RawValue(map, at));
      }
    }
    for (HostSettings.Property setting : host.defaults()) {
      if (keys.containsKey(setting.name())) {
        hostDefaults.put(setting.name(), new RawValue(setting.value(), setting.location()));
      }
    }
  }

  /**
   * Matches a flat framework name ({@code traces.batch.queue-size}, {@code
   * traces.baggage.attributes[0]}, {@code resource.attributes[service.owner]}) to its key, or
   * records a problem and returns null.
   */
  private @Nullable HostEntry hostEntry(HostSettings.Property property) {
    List<String> segments = hostSegments(property.name());
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < segments.size(); i++) {
      String segment = segments.get(i);
      if (segment.startsWith("[")) {
        break;
      }
      if (path.length() > 0) {
        path.append('.');
      }
      path.append(canonical(segment));
      ConfigKey<?> key = keys.get(path.toString());
      if (key == null) {
        continue;
      }
      List<String> rest = segments.subList(i + 1, segments.size());
      String location = property.location();
      if (rest.isEmpty()) {
        return new HostEntry(key, null, property);
      }
      String first = rest.get(0);
      boolean bracket = first.startsWith("[");
      if (key.kind() == ConfigKey.Kind.LIST && bracket && rest.size() == 1
          && isIndex(first.substring(1, first.length() - 1))) {
        return new HostEntry(key, first.substring(1, first.length() - 1), property);
      }
      if (key.kind() == ConfigKey.Kind.MAP) {
        String mapKey = bracket && rest.size() == 1
            ? first.substring(1, first.length() - 1)
            : String.join(".", rest);
        return new HostEntry(key, mapKey, property);
      }
      problems.add(new ConfigProblem(location, key.path(),
          "expected " + key.kind().expectation() + ", found a value under it ('"
              + property.name() + "')"));
      return null;
    }
    String normalised = path.toString();
    if (sections.contains(normalised)) {
      problems.add(new ConfigProblem(property.location(), normalised,
          "is a section: expected a mapping of keys under it, such as '"
              + firstKeyUnder(normalised) + "'"));
    } else {
      problems.add(new ConfigProblem(property.location(), normalised,
          unknownKeyMessage(normalised)));
    }
    return null;
  }

  /** Splits at dots outside brackets; a bracketed part stays one segment with its brackets. */
  private static List<String> hostSegments(String name) {
    List<String> segments = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '[') {
        if (current.length() > 0) {
          segments.add(current.toString());
          current.setLength(0);
        }
        int close = name.indexOf(']', i);
        if (close < 0) {
          close = name.length() - 1;
        }
        segments.add(name.substring(i, close + 1));
        i = close;
      } else if (c == '.') {
        if (current.length() > 0) {
          segments.add(current.toString());
          current.setLength(0);
        }
      } else {
        current.append(c);
      }
    }
    if (current.length() > 0) {
      segments.add(current.toString());
    }
    return segments;
  }

  /** A framework's spellings of a key segment ({@code queue-size}, {@code queueSize}) as obs's. */
  private static String canonical(String segment) {
    StringBuilder out = new StringBuilder(segment.length() + 4);
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '-') {
        out.append('_');
      } else if (Character.isUpperCase(c)) {
        if (i > 0 && out.charAt(out.length() - 1) != '_') {
          out.append('_');
        }
        out.append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isIndex(String text) {
    if (text.isEmpty() || text.length() > 6) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- layering

  private void resolve(ConfigKey<?> key, Map<String, Object> values, Map<String, String> sources) {
    List<RawValue> layers = new ArrayList<>();
    // service.name's framework default is applied after resource.attributes, in deriveDefaults.
    RawValue fromFramework = key == CoreKeys.SERVICE_NAME ? null : hostDefaults.get(key.path());
    if (fromFramework != null) {
      layers.add(fromFramework);
    }
    RawValue fromFile = fileValues.get(key.path());
    if (fromFile != null) {
      layers.add(fromFile);
    }
    RawValue fromHost = hostValues.get(key.path());
    if (fromHost != null) {
      layers.add(fromHost);
    }
    // Lowest precedence first: aliases, then OBS_ variables, then properties, then overrides.
    for (int i = key.aliases().size() - 1; i >= 0; i--) {
      ConfigKey.Alias alias = key.aliases().get(i);
      String env = request.environment().get(alias.environmentVariable());
      if (env != null && !env.isBlank()) {
        layers.add(new RawValue(alias.rewrite().apply(env), "env " + alias.environmentVariable(),
            rejection(alias, env, key)));
      }
    }
    addIfPresent(layers, request.environment().get(key.environmentVariable()),
        "env " + key.environmentVariable());
    for (int i = key.aliases().size() - 1; i >= 0; i--) {
      ConfigKey.Alias alias = key.aliases().get(i);
      String property = request.systemProperties().get(alias.systemProperty());
      if (property != null && !property.isBlank()) {
        layers.add(new RawValue(alias.rewrite().apply(property),
            "system property " + alias.systemProperty(), rejection(alias, property, key)));
      }
    }
    addIfPresent(layers, request.systemProperties().get(key.systemProperty()),
        "system property " + key.systemProperty());
    addIfPresent(layers, request.overrides().get(key.path()), "override " + key.path());
    if (layers.isEmpty()) {
      return;
    }
    if (key.kind() == ConfigKey.Kind.MAP) {
      Map<String, String> merged = new LinkedHashMap<>();
      List<String> from = new ArrayList<>();
      for (RawValue layer : layers) {
        Map<String, String> parsed = parseMap(key, layer);
        if (parsed != null) {
          merged.putAll(parsed);
          from.add(layer.location());
        }
      }
      values.put(key.path(), Map.copyOf(merged));
      sources.put(key.path(), String.join(" + ", from));
      return;
    }
    RawValue winner = layers.get(layers.size() - 1);
    Object parsed = parse(key, winner);
    if (parsed != null) {
      values.put(key.path(), parsed);
      sources.put(key.path(), winner.location());
    }
  }

  /** What to say when an alias's value is not accepted: in the alias's terms, not obs's. */
  private static @Nullable String rejection(ConfigKey.Alias alias, String value, ConfigKey<?> key) {
    if (alias.accepted().isEmpty()) {
      return null;
    }
    return "'" + (key.isSensitive() ? "****" : value.trim()) + "' is not a value obs supports for "
        + alias.environmentVariable() + "; it accepts " + alias.accepted();
  }

  private static void addIfPresent(List<RawValue> layers, @Nullable String value, String where) {
    if (value != null && !value.isBlank()) {
      layers.add(new RawValue(value, where));
    }
  }

  private @Nullable Object parse(ConfigKey<?> key, RawValue raw) {
    if (key.kind() == ConfigKey.Kind.LIST) {
      List<String> items = raw.value() instanceof List<?> list
          ? list.stream().map(String::valueOf).map(String::trim).toList()
          : splitList(String.valueOf(raw.value()));
      if (!key.allowedValues().isEmpty()) {
        List<String> normalised = new ArrayList<>();
        for (String item : items) {
          String lower = item.toLowerCase(Locale.ROOT);
          if (!key.allowedValues().contains(lower)) {
            problems.add(new ConfigProblem(raw.location(), key.path(),
                raw.rejection() != null
                    ? raw.rejection()
                    : "'" + item + "' is not one of " + String.join(", ", key.allowedValues())
                        + suggestion(lower, key.allowedValues())));
          }
          normalised.add(lower);
        }
        return List.copyOf(normalised);
      }
      return List.copyOf(items);
    }
    String text = String.valueOf(raw.value()).trim();
    try {
      return switch (key.kind()) {
        case STRING -> text;
        case BOOLEAN -> parseBoolean(text);
        case INTEGER -> checkRange(key, Long.parseLong(text.replace("_", ""))).intValue();
        case DECIMAL -> checkRange(key, Double.parseDouble(text));
        case DURATION -> parseDuration(text);
        case URL -> parseUrl(text);
        case ENUM -> parseEnum(key, text);
        default -> throw new IllegalStateException("unexpected kind " + key.kind());
      };
    } catch (NumberFormatException e) {
      problems.add(new ConfigProblem(raw.location(), key.path(), raw.rejection() != null
          ? raw.rejection()
          : "expected " + key.kind().expectation() + ", got '" + shown(key, text) + "'"));
    } catch (IllegalArgumentException e) {
      problems.add(new ConfigProblem(raw.location(), key.path(), raw.rejection() != null
          ? raw.rejection()
          : key.isSensitive() ? "expected " + key.kind().expectation() : e.getMessage()));
    }
    return null;
  }

  private @Nullable Map<String, String> parseMap(ConfigKey<?> key, RawValue raw) {
    if (raw.value() instanceof Map<?, ?> map) {
      Map<String, String> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(String.valueOf(k), String.valueOf(v)));
      return copy;
    }
    Map<String, String> parsed = new LinkedHashMap<>();
    for (String entry : splitList(String.valueOf(raw.value()))) {
      int eq = entry.indexOf('=');
      if (eq <= 0) {
        problems.add(new ConfigProblem(raw.location(), key.path(),
            "expected key=value pairs separated by commas, got '" + shown(key, entry) + "'"));
        return null;
      }
      // OTEL_RESOURCE_ATTRIBUTES and OTEL_EXPORTER_OTLP_HEADERS values are percent-encoded.
      parsed.put(entry.substring(0, eq).trim(),
          URLDecoder.decode(entry.substring(eq + 1).trim(), StandardCharsets.UTF_8));
    }
    return parsed;
  }

  private static List<String> splitList(String text) {
    List<String> items = new ArrayList<>();
    for (String part : text.split(",")) {
      if (!part.isBlank()) {
        items.add(part.trim());
      }
    }
    return items;
  }

  private static Boolean parseBoolean(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.equals("true")) {
      return Boolean.TRUE;
    }
    if (lower.equals("false")) {
      return Boolean.FALSE;
    }
    throw new IllegalArgumentException("expected true or false, got '" + text + "'");
  }

  private static Number checkRange(ConfigKey<?> key, Number value) {
    double v = value.doubleValue();
    if (v < key.min() || v > key.max()) {
      throw new IllegalArgumentException(
          "must be between " + format(key.min()) + " and " + format(key.max()) + ", got "
              + value);
    }
    return value;
  }

  private static String format(double bound) {
    return bound == Math.rint(bound) ? Long.toString((long) bound) : Double.toString(bound);
  }

  static Duration parseDuration(String text) {
    Matcher matcher = Patterns.DURATION.matcher(text);
    if (!matcher.matches()) {
      throw new IllegalArgumentException(
          "expected " + ConfigKey.Kind.DURATION.expectation() + ", got '" + text + "'");
    }
    double amount = Double.parseDouble(matcher.group(1));
    if (amount < 0) {
      throw new IllegalArgumentException("must not be negative, got '" + text + "'");
    }
    String unit = matcher.group(2) == null ? "ms" : matcher.group(2);
    double nanosPerUnit = switch (unit) {
      case "ns" -> 1;
      case "us" -> 1e3;
      case "ms" -> 1e6;
      case "s" -> 1e9;
      case "m" -> 60e9;
      case "h" -> 3600e9;
      case "d" -> 86400e9;
      default -> throw new IllegalStateException(unit);
    };
    return Duration.ofNanos(Math.round(amount * nanosPerUnit));
  }

  // Messages show the URL with any user:password@ masked: it may carry a credential.
  private static URI parseUrl(String text) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("is not a valid URL: " + e.getReason() + " at index "
          + e.getIndex() + " of '" + Endpoints.mask(text) + "'");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("expected an http or https URL such as"
          + " http://localhost:4318, got '" + Endpoints.mask(text) + "'");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException("URL '" + Endpoints.mask(text) + "' has no host");
    }
    return uri;
  }

  private static String parseEnum(ConfigKey<?> key, String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    if (key.allowedValues().contains(lower)) {
      return lower;
    }
    throw new IllegalArgumentException(
        "'" + text + "' is not one of " + String.join(", ", key.allowedValues())
            + suggestion(lower, key.allowedValues()));
  }

  // ---------------------------------------------------------------- checks across keys

  private void crossCheck(Map<String, Object> values, Map<String, String> sources) {
    Set<String> paths = new HashSet<>();
    for (ConfigKey<String> key : List.of(
        CoreKeys.SERVER_PATHS_HEALTH, CoreKeys.SERVER_PATHS_READY, CoreKeys.SERVER_PATHS_METRICS)) {
      String path = (String) values.getOrDefault(key.path(), key.defaultValue());
      String where = sources.getOrDefault(key.path(), "default");
      if (path == null || !path.startsWith("/") || path.contains(" ") || path.contains("?")) {
        problems.add(new ConfigProblem(where, key.path(),
            "expected an absolute path such as /healthz, got '" + path + "'"));
      } else if (!paths.add(path)) {
        problems.add(new ConfigProblem(where, key.path(),
            "path " + path + " is already used by another server.paths key"));
      }
    }
    Object name = values.get(CoreKeys.SERVICE_NAME.path());
    if (name != null && ((String) name).isBlank()) {
      problems.add(new ConfigProblem(sources.get(CoreKeys.SERVICE_NAME.path()),
          CoreKeys.SERVICE_NAME.path(), "must not be empty"));
    }
  }

  private void deriveDefaults(Map<String, Object> values, Map<String, String> sources) {
    if (!values.containsKey(CoreKeys.SERVICE_NAME.path())) {
      Map<String, String> attributes = castMap(values.get(CoreKeys.RESOURCE_ATTRIBUTES.path()));
      String fromResource = attributes == null ? null : attributes.get("service.name");
      if (fromResource != null && !fromResource.isBlank()) {
        values.put(CoreKeys.SERVICE_NAME.path(), fromResource);
        sources.put(CoreKeys.SERVICE_NAME.path(), "resource.attributes service.name");
      } else if (hostDefaults.containsKey(CoreKeys.SERVICE_NAME.path())
          && !String.valueOf(hostDefaults.get(CoreKeys.SERVICE_NAME.path()).value()).isBlank()) {
        RawValue framework = hostDefaults.get(CoreKeys.SERVICE_NAME.path());
        values.put(CoreKeys.SERVICE_NAME.path(), String.valueOf(framework.value()).trim());
        sources.put(CoreKeys.SERVICE_NAME.path(), framework.location());
      } else {
        ServiceNames.Derived derived = ServiceNames.derive(request.systemProperties());
        values.put(CoreKeys.SERVICE_NAME.path(), derived.name());
        sources.put(CoreKeys.SERVICE_NAME.path(), "derived from " + derived.origin());
      }
    }
    if (!values.containsKey(CoreKeys.SERVICE_VERSION.path())) {
      String version = ServiceNames.mainJarVersion(request.systemProperties());
      if (version != null) {
        values.put(CoreKeys.SERVICE_VERSION.path(), version);
        sources.put(CoreKeys.SERVICE_VERSION.path(), "derived from the main jar manifest");
      }
    }
    if (!values.containsKey(CoreKeys.SERVICE_ENVIRONMENT.path())) {
      Map<String, String> attributes = castMap(values.get(CoreKeys.RESOURCE_ATTRIBUTES.path()));
      String env = attributes == null ? null : attributes.get("deployment.environment.name");
      if (env == null && attributes != null) {
        env = attributes.get("deployment.environment");
      }
      if (env != null) {
        values.put(CoreKeys.SERVICE_ENVIRONMENT.path(), env);
        sources.put(CoreKeys.SERVICE_ENVIRONMENT.path(), "resource.attributes");
      }
    }
    boolean otlpEndpoint = values.containsKey(CoreKeys.EXPORTER_ENDPOINT.path());
    if (!values.containsKey(CoreKeys.TRACES_EXPORTER.path())) {
      String exporter = values.containsKey(CoreKeys.TRACES_ZIPKIN_ENDPOINT.path())
          ? "zipkin"
          : otlpEndpoint ? "otlp" : "none";
      values.put(CoreKeys.TRACES_EXPORTER.path(), exporter);
      sources.put(CoreKeys.TRACES_EXPORTER.path(), "derived from the configured endpoints");
    }
    if (!values.containsKey(CoreKeys.LOGS_EXPORTER.path())) {
      values.put(CoreKeys.LOGS_EXPORTER.path(), otlpEndpoint ? "otlp" : "none");
      sources.put(CoreKeys.LOGS_EXPORTER.path(), "derived from the configured endpoints");
    }
  }

  @SuppressWarnings("unchecked")
  private static @Nullable Map<String, String> castMap(@Nullable Object value) {
    return (Map<String, String>) value;
  }

  // ---------------------------------------------------------------- unknown keys and overrides

  private void checkOverridesAreKnown() {
    for (String path : request.overrides().keySet()) {
      if (!keys.containsKey(path)) {
        problems.add(new ConfigProblem("override " + path, path, unknownKeyMessage(path)));
      }
    }
  }

  // A typo in an OBS_ variable would otherwise be ignored without a word; it is not an error
  // because other software may use the same prefix.
  private void warnAboutUnknownOverrides() {
    Set<String> knownEnv = new HashSet<>(Set.of(CONFIG_ENV));
    Set<String> knownProperties = new HashSet<>(Set.of(CONFIG_PROPERTY));
    for (ConfigKey<?> key : keys.values()) {
      knownEnv.add(key.environmentVariable());
      knownProperties.add(key.systemProperty());
    }
    for (String name : request.environment().keySet()) {
      if (name.startsWith("OBS_") && !knownEnv.contains(name)) {
        String path = name.substring(4).toLowerCase(Locale.ROOT).replace('_', '.');
        log().log(System.Logger.Level.WARNING,
            "obs: environment variable " + name + " matches no configuration key"
                + suggestionForEnv(path));
      }
    }
    for (String name : request.systemProperties().keySet()) {
      if (name.startsWith("obs.") && !knownProperties.contains(name)) {
        log().log(System.Logger.Level.WARNING,
            "obs: system property " + name + " matches no configuration key"
                + suggestion(name.substring(4), keys.keySet()));
      }
    }
  }

  private String suggestionForEnv(String dotted) {
    for (String[] move : MOVED) {
      String old = move[0].replace('_', '.');
      if (dotted.startsWith(old + ".")) {
        String rest = dotted.substring(old.length());
        return "; it moved with " + move[0] + ".* to OBS_"
            + (move[1] + rest).replace('.', '_').toUpperCase(Locale.ROOT) + " (" + move[2] + ")";
      }
    }
    String best = null;
    int bestScore = Integer.MAX_VALUE;
    for (ConfigKey<?> key : keys.values()) {
      int score = Suggestions.distance(dotted, key.path().replace('_', '.'));
      if (score < bestScore) {
        bestScore = score;
        best = key.environmentVariable();
      }
    }
    return best != null && bestScore <= Math.max(2, dotted.length() / 3)
        ? "; did you mean " + best + "?"
        : "";
  }

  /**
   * Sections that moved, old prefix to new, with why: a key under the old prefix is named with its
   * new place instead of a guess.
   */
  private static final String[][] MOVED = {
    {"logs.redaction", "redaction", "it applies to logs, spans and metric labels alike"},
  };

  private static @Nullable String moved(String path) {
    for (String[] move : MOVED) {
      if (path.equals(move[0]) || path.startsWith(move[0] + ".")) {
        return "'" + move[1] + path.substring(move[0].length()) + "' (moved from " + move[0]
            + ".*: " + move[2] + ")";
      }
    }
    return null;
  }

  private String unknownKeyMessage(String path) {
    String moved = moved(path);
    if (moved != null) {
      return "unknown key; it is now " + moved;
    }
    Set<String> candidates = new TreeSet<>(keys.keySet());
    candidates.addAll(sections);
    String nearest = Suggestions.nearest(path, candidates);
    return "unknown key"
        + (nearest != null ? "; did you mean '" + nearest + "'?" : "")
        + (nearest == null ? " (valid top-level keys: " + topLevel() + ")" : "");
  }

  private String topLevel() {
    Set<String> top = new TreeSet<>();
    for (String path : keys.keySet()) {
      int dot = path.indexOf('.');
      top.add(dot < 0 ? path : path.substring(0, dot));
    }
    return String.join(", ", top);
  }

  private String firstKeyUnder(String section) {
    for (String path : keys.keySet()) {
      if (path.startsWith(section + ".")) {
        return path.substring(section.length() + 1);
      }
    }
    return "enabled";
  }

  private static String suggestion(String value, java.util.Collection<String> allowed) {
    String nearest = Suggestions.nearest(value, allowed);
    return nearest == null ? "" : "; did you mean '" + nearest + "'?";
  }

  // ---------------------------------------------------------------- helpers

  /** Compiled on first use: most start-ups substitute nothing, parse no duration, report nothing. */
  private static final class Patterns {
    static final Pattern SUBSTITUTION =
        Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    static final Pattern DURATION = Pattern.compile("(-?\\d+(?:\\.\\d+)?)\\s*(ns|us|ms|s|m|h|d)?");
    static final Pattern LINE_COLUMN = Pattern.compile(":(\\d+):(\\d+)$");
  }

  /** Problems in the file by line and column, then the rest (variables, properties) as found. */
  private static List<ConfigProblem> inFileOrder(List<ConfigProblem> problems) {
    List<ConfigProblem> sorted = new ArrayList<>(problems);
    sorted.sort(java.util.Comparator.comparingLong(ConfigLoader::position));
    return sorted;
  }

  private static long position(ConfigProblem problem) {
    Matcher matcher = Patterns.LINE_COLUMN.matcher(problem.location());
    if (!matcher.find()) {
      return Long.MAX_VALUE;
    }
    return Long.parseLong(matcher.group(1)) * 100_000 + Long.parseLong(matcher.group(2));
  }

  private String location(@Nullable Mark mark) {
    if (mark == null) {
      return sourceName;
    }
    return sourceName + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
  }

  private static boolean isNull(Node node) {
    return node instanceof ScalarNode scalar && Tag.NULL.equals(scalar.getTag());
  }

  private static String firstLine(@Nullable String text) {
    if (text == null) {
      return "syntax error";
    }
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }

  /** A value for an error message: a secret's is never shown. */
  private static String shown(ConfigKey<?> key, String value) {
    return key.isSensitive() ? "****" : value;
  }

  /**
   * A value as read, before conversion: a string, a list or a map, with where it came from, and
   * for an alias's value, what to say if it is not accepted (null: the key's own message).
   */
  private record RawValue(Object value, String location, @Nullable String rejection) {
    RawValue(Object value, String location) {
      this(value, location, null);
    }
  }

  /**
   * The start-up line's account of the sources: the file (or where obs looked for one), then the
   * names, never the values, of the variables and properties that set keys.
   */
  private String origin(Map<String, String> sources) {
    StringBuilder out = new StringBuilder(fileOrigin);
    HostSettings host = request.host();
    if (host != null && !hostValues.isEmpty()) {
      out.append("; ").append(hostValues.size()).append(hostValues.size() == 1 ? " key" : " keys")
          .append(" from ").append(host.name()).append("'s obs.* properties");
    }
    Set<String> environment = new TreeSet<>();
    Set<String> properties = new TreeSet<>();
    int overrides = 0;
    for (String source : sources.values()) {
      for (String part : source.split(" \\+ ")) {
        if (part.startsWith("env ")) {
          environment.add(part.substring(4));
        } else if (part.startsWith("system property ")) {
          properties.add(part.substring("system property ".length()));
        } else if (part.startsWith("override ")) {
          overrides++;
        }
      }
    }
    if (!environment.isEmpty()) {
      out.append("; environment ").append(String.join(", ", environment));
    }
    if (!properties.isEmpty()) {
      out.append("; system properties ").append(String.join(", ", properties));
    }
    if (overrides > 0) {
      out.append("; ").append(overrides).append(" set in code");
    }
    return out.toString();
  }
}
