// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import io.obs.config.ConfigKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. Renders configuration keys as the Markdown table rows of
 * {@code docs/configuration.md}, so the documentation is generated from the same declarations the
 * validator uses and a test can tell when it falls behind.
 */
public final class ConfigDocs {

  /** The header of every key table. */
  public static final String HEADER =
      "| Key | Type | Default | Environment variable / system property | Description |\n"
          + "|---|---|---|---|---|\n";

  private ConfigDocs() {}

  /** The table (header and one row per key) for the given keys, in their order. */
  public static String table(List<ConfigKey<?>> keys) {
    return HEADER + keys.stream().map(ConfigDocs::row).collect(Collectors.joining());
  }

  /** The marker lines that enclose the generated table of one section. */
  public static String begin(String section) {
    return "<!-- generated keys: " + section + " (edit the ConfigKey declarations, not this table) -->";
  }

  public static String end(String section) {
    return "<!-- end of generated keys: " + section + " -->";
  }

  /**
   * Compares the generated table of one section of a Markdown file with the keys, and rewrites it
   * when {@code update} is true. Returns null when the file is current, else what is wrong.
   */
  public static @Nullable String check(Path doc, String section, List<ConfigKey<?>> keys,
      boolean update) throws IOException {
    String text = Files.readString(doc, StandardCharsets.UTF_8);
    String begin = begin(section);
    String end = end(section);
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      return doc + " has no markers for section '" + section + "': add the lines\n" + begin
          + "\n" + end;
    }
    String expected = table(keys);
    String actual = text.substring(from + begin.length() + 1, to);
    if (actual.equals(expected)) {
      return null;
    }
    if (update) {
      Files.writeString(doc, text.substring(0, from + begin.length() + 1) + expected
          + text.substring(to), StandardCharsets.UTF_8);
      return null;
    }
    return doc + " section '" + section + "' is behind the ConfigKey declarations; rerun the"
        + " test with -Dobs.docs.update=true to regenerate it. Expected:\n" + expected;
  }

  /**
   * Spring Boot's configuration metadata ({@code META-INF/spring-configuration-metadata.json}) for
   * the keys as {@code obs.*} properties in Boot's kebab-case, so that IDEs complete them in
   * {@code application.yml}; every obs jar ships the file for its own keys.
   */
  public static String springMetadata(List<ConfigKey<?>> keys) {
    StringBuilder json = new StringBuilder("{\n  \"groups\": [\n    {\n")
        .append("      \"name\": \"obs\",\n")
        .append("      \"description\": \"obs: the same keys as obs.yaml (docs/configuration.md).\"\n")
        .append("    }\n  ],\n  \"properties\": [");
    boolean first = true;
    for (ConfigKey<?> key : keys) {
      json.append(first ? "\n" : ",\n").append("    {\n");
      json.append("      \"name\": ").append(EndpointServerImpl.json(springName(key))).append(",\n");
      json.append("      \"type\": ").append(EndpointServerImpl.json(javaType(key))).append(",\n");
      String defaultValue = springDefault(key);
      if (defaultValue != null) {
        json.append("      \"defaultValue\": ").append(defaultValue).append(",\n");
      }
      String description = key.description()
          + (key.defaultValue() == null || defaultValue == null
              ? " Default: " + key.defaultDescription() + "." : "");
      json.append("      \"description\": ").append(EndpointServerImpl.json(description))
          .append("\n    }");
      first = false;
    }
    json.append("\n  ],\n  \"hints\": [");
    first = true;
    for (ConfigKey<?> key : keys) {
      if (key.allowedValues().isEmpty()) {
        continue;
      }
      json.append(first ? "\n" : ",\n").append("    {\n      \"name\": ")
          .append(EndpointServerImpl.json(springName(key))).append(",\n      \"values\": [");
      boolean firstValue = true;
      for (String value : key.allowedValues()) {
        json.append(firstValue ? "\n" : ",\n").append("        {\n          \"value\": ")
            .append(EndpointServerImpl.json(value)).append("\n        }");
        firstValue = false;
      }
      json.append("\n      ]\n    }");
      first = false;
    }
    return json.append("\n  ]\n}\n").toString();
  }

  /**
   * Compares a generated file with the one in the tree, and rewrites it when {@code update} is
   * true. Returns null when the file is current, else what is wrong.
   */
  public static @Nullable String checkFile(Path file, String expected, boolean update)
      throws IOException {
    String actual = Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    if (actual.equals(expected)) {
      return null;
    }
    if (update) {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, expected, StandardCharsets.UTF_8);
      return null;
    }
    return file + " is behind the ConfigKey declarations; rerun the test with"
        + " -Dobs.docs.update=true to regenerate it.";
  }

  /** {@code traces.batch.queue_size} as Boot spells it: {@code obs.traces.batch.queue-size}. */
  public static String springName(ConfigKey<?> key) {
    return "obs." + key.path().replace('_', '-');
  }

  private static String javaType(ConfigKey<?> key) {
    return switch (key.kind()) {
      case STRING, ENUM -> "java.lang.String";
      case BOOLEAN -> "java.lang.Boolean";
      case INTEGER -> "java.lang.Integer";
      case DECIMAL -> "java.lang.Double";
      case DURATION -> "java.time.Duration";
      case URL -> "java.net.URI";
      case LIST -> "java.util.List<java.lang.String>";
      case MAP -> "java.util.Map<java.lang.String,java.lang.String>";
    };
  }

  /** The default as a JSON value, or null when it is computed at start-up or secret. */
  private static @Nullable String springDefault(ConfigKey<?> key) {
    Object value = key.defaultValue();
    if (value == null || key.isSensitive()) {
      return null;
    }
    return switch (key.kind()) {
      case BOOLEAN, INTEGER, DECIMAL -> String.valueOf(value);
      case STRING, ENUM, URL -> EndpointServerImpl.json(String.valueOf(value));
      case DURATION -> EndpointServerImpl.json(key.defaultDescription());
      case LIST -> {
        List<?> list = (List<?>) value;
        yield "[" + list.stream().map(v -> EndpointServerImpl.json(String.valueOf(v)))
            .collect(Collectors.joining(", ")) + "]";
      }
      case MAP -> null;
    };
  }

  private static String row(ConfigKey<?> key) {
    StringBuilder overrides = new StringBuilder("`" + key.environmentVariable() + "`, `-D"
        + key.systemProperty() + "`");
    for (ConfigKey.Alias alias : key.aliases()) {
      overrides.append(", `").append(alias.environmentVariable()).append('`');
    }
    return "| `" + key.path() + "` | " + type(key) + " | `" + escape(key.defaultDescription())
        + "` | " + overrides + " | " + escape(key.description()) + " |\n";
  }

  private static String type(ConfigKey<?> key) {
    return switch (key.kind()) {
      case STRING -> "string";
      case BOOLEAN -> "boolean";
      case INTEGER -> "integer" + range(key);
      case DECIMAL -> "number" + range(key);
      case DURATION -> "duration";
      case URL -> "URL";
      case ENUM -> "one of " + String.join(" \\| ", key.allowedValues().stream()
          .map(v -> "`" + v + "`").toList());
      case LIST -> key.allowedValues().isEmpty()
          ? "list of strings"
          : "list of " + String.join(" \\| ", key.allowedValues().stream()
              .map(v -> "`" + v + "`").toList());
      case MAP -> "map of string to string";
    };
  }

  private static String range(ConfigKey<?> key) {
    if (key.min() == -Double.MAX_VALUE && key.max() == Double.MAX_VALUE) {
      return "";
    }
    return " (" + number(key.min()) + "–" + number(key.max()) + ")";
  }

  private static String number(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }

  private static String escape(String text) {
    return text.replace("|", "\\|");
  }
}
