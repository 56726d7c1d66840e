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
