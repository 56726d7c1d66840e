// SPDX-License-Identifier: Apache-2.0
package io.obs.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * One key of {@code obs.yaml}: its dotted path, type, default and the environment variables and
 * system properties that can set it. Every module declares its keys with this class, so that one
 * validator checks the whole file and {@code docs/configuration.md} can list every key.
 *
 * <p>Naming rule for overrides: the system property is {@code obs.} followed by the path; the
 * environment variable is {@code OBS_} followed by the path upper-cased with dots replaced by
 * underscores ({@code traces.batch.queue_size} is {@code OBS_TRACES_BATCH_QUEUE_SIZE}). Aliases
 * (the standard {@code OTEL_*} variables) are read after these, as environment variables and as
 * lower-case dotted system properties ({@code OTEL_SERVICE_NAME} and {@code otel.service.name}).
 *
 * @param <T> the value type
 * @since 0.1.0
 */
public final class ConfigKey<T> {

  /** The shape of a value, which decides how it is parsed and what an error says. */
  public enum Kind {
    STRING("a string"),
    BOOLEAN("true or false"),
    INTEGER("an integer"),
    DECIMAL("a number"),
    DURATION("a duration such as 500ms, 10s, 5m (a bare number means milliseconds)"),
    URL("an http or https URL"),
    ENUM("one of the listed values"),
    LIST("a list of strings"),
    MAP("a mapping of string keys to string values");

    private final String expectation;

    Kind(String expectation) {
      this.expectation = expectation;
    }

    /** How an error message describes a valid value of this kind. */
    public String expectation() {
      return expectation;
    }
  }


  private final String path;
  // Asked for once per key and variable while the configuration is read, inside init().
  private final String environmentVariable;
  private final Kind kind;
  private final @Nullable T defaultValue;
  private final @Nullable String defaultDescription; // null: described from the default
  private final String description;
  private final List<Alias> aliases;
  private final List<String> allowedValues;
  private final double min;
  private final double max;
  private final boolean sensitive;

  private ConfigKey(Builder<T> builder) {
    this.path = builder.path;
    this.environmentVariable = "OBS_" + path.toUpperCase(Locale.ROOT).replace('.', '_');
    this.kind = builder.kind;
    this.defaultValue = builder.defaultValue;
    // Only documentation and error messages read it; every key is built in each cold start.
    this.defaultDescription = builder.defaultDescription;
    this.description = builder.description;
    this.aliases = List.copyOf(builder.aliases);
    this.allowedValues = List.copyOf(builder.allowedValues);
    this.min = builder.min;
    this.max = builder.max;
    this.sensitive = builder.sensitive;
  }

  /** A string value. */
  public static Builder<String> string(String path) {
    return new Builder<>(path, Kind.STRING);
  }

  /** A boolean value. */
  public static Builder<Boolean> bool(String path) {
    return new Builder<>(path, Kind.BOOLEAN);
  }

  /** An integer value; restrict it with {@link Builder#range(double, double)}. */
  public static Builder<Integer> integer(String path) {
    return new Builder<>(path, Kind.INTEGER);
  }

  /** A decimal value; restrict it with {@link Builder#range(double, double)}. */
  public static Builder<Double> decimal(String path) {
    return new Builder<>(path, Kind.DECIMAL);
  }

  /** A non-negative duration. */
  public static Builder<Duration> duration(String path) {
    return new Builder<>(path, Kind.DURATION);
  }

  /** An absolute http or https URL. */
  public static Builder<URI> url(String path) {
    return new Builder<>(path, Kind.URL);
  }

  /** One of a fixed set of lower-case values, compared case-insensitively. */
  public static Builder<String> oneOf(String path, String... allowed) {
    Builder<String> builder = new Builder<>(path, Kind.ENUM);
    builder.allowedValues.addAll(List.of(allowed));
    return builder;
  }

  /** A list of strings (a YAML sequence, or a comma-separated string). */
  public static Builder<List<String>> list(String path) {
    return new Builder<>(path, Kind.LIST);
  }

  /** A mapping of free-form keys to strings (a YAML mapping, or {@code k=v,k2=v2}). */
  public static Builder<Map<String, String>> map(String path) {
    return new Builder<>(path, Kind.MAP);
  }

  /** The dotted path in {@code obs.yaml}. */
  public String path() {
    return path;
  }

  public Kind kind() {
    return kind;
  }

  /** The value used when nothing sets the key, or {@code null} when the key is optional. */
  public @Nullable T defaultValue() {
    return defaultValue;
  }

  /** The default as the documentation states it. */
  public String defaultDescription() {
    return defaultDescription != null ? defaultDescription : describeDefault(defaultValue);
  }

  public String description() {
    return description;
  }

  /** The {@code OBS_*} environment variable that sets this key. */
  public String environmentVariable() {
    return environmentVariable;
  }

  /** The system property that sets this key. */
  public String systemProperty() {
    return "obs." + path;
  }

  /** Further environment variables (and their dotted system-property forms) that set this key. */
  public List<Alias> aliases() {
    return aliases;
  }

  /** For {@link Kind#ENUM} and enumerated {@link Kind#LIST} keys: the accepted values. */
  public List<String> allowedValues() {
    return allowedValues;
  }

  /** Inclusive lower bound for numbers. */
  public double min() {
    return min;
  }

  /** Inclusive upper bound for numbers. */
  public double max() {
    return max;
  }

  /**
   * Whether the value is a secret (an API key header, a token): obs never prints it, not in
   * errors, not in {@code ObsConfig.toString()}, not on a status page.
   */
  public boolean isSensitive() {
    return sensitive;
  }

  @Override
  public String toString() {
    return path;
  }

  private static String describeDefault(@Nullable Object value) {
    if (value == null) {
      return "unset";
    }
    if (value instanceof Duration duration) {
      return formatDuration(duration);
    }
    if (value instanceof List<?> list) {
      return list.isEmpty() ? "[]" : String.join(", ", list.stream().map(String::valueOf).toList());
    }
    if (value instanceof Map<?, ?> map) {
      return map.isEmpty() ? "{}" : map.toString();
    }
    return String.valueOf(value);
  }

  static String formatDuration(Duration duration) {
    long millis = duration.toMillis();
    if (millis % 3_600_000 == 0 && millis > 0) {
      return millis / 3_600_000 + "h";
    }
    if (millis % 60_000 == 0 && millis > 0) {
      return millis / 60_000 + "m";
    }
    if (millis % 1000 == 0 && millis > 0) {
      return millis / 1000 + "s";
    }
    return millis + "ms";
  }

  /**
   * An alternative environment variable for a key, such as {@code OTEL_SERVICE_NAME}, with an
   * optional rewrite from its conventions to obs's (e.g. {@code OTEL_SDK_DISABLED=true} sets
   * {@code enabled: false}), and, when its values are not obs's, what it accepts in its own
   * terms, for the error about a value it does not accept ({@code OTEL_TRACES_SAMPLER} takes
   * {@code parentbased_traceidratio}, not obs's {@code ratio}); empty when its values are obs's.
   */
  public record Alias(String environmentVariable, UnaryOperator<String> rewrite, String accepted) {
    public Alias {
      Objects.requireNonNull(environmentVariable, "environmentVariable");
      Objects.requireNonNull(rewrite, "rewrite");
      Objects.requireNonNull(accepted, "accepted");
    }

    /** The system-property form: lower case, underscores replaced by dots. */
    public String systemProperty() {
      return environmentVariable.toLowerCase(Locale.ROOT).replace('_', '.');
    }
  }

  /**
   * {@code [a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*}, checked by hand: every key of every module is
   * declared during a cold start.
   */
  static boolean isPath(String path) {
    boolean segmentStart = true;
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '.') {
        if (segmentStart) {
          return false;
        }
        segmentStart = true;
      } else if (c >= 'a' && c <= 'z') {
        segmentStart = false;
      } else if ((c >= '0' && c <= '9') || c == '_') {
        if (segmentStart) {
          return false;
        }
      } else {
        return false;
      }
    }
    return !segmentStart;
  }

  /** Builds a {@link ConfigKey}; setters validate their argument and return {@code this}. */
  public static final class Builder<T> {
    private final String path;
    private final Kind kind;
    private @Nullable T defaultValue;
    private @Nullable String defaultDescription;
    private String description = "";
    private final List<Alias> aliases = new ArrayList<>();
    private final List<String> allowedValues = new ArrayList<>();
    private double min = -Double.MAX_VALUE;
    private double max = Double.MAX_VALUE;
    private boolean sensitive;

    private Builder(String path, Kind kind) {
      Objects.requireNonNull(path, "path");
      if (!isPath(path)) {
        throw new IllegalArgumentException(
            "config key path must be dotted lower_snake_case segments, got '" + path + "'");
      }
      this.path = path;
      this.kind = kind;
    }

    /** Sets the value used when nothing else sets the key. */
    public Builder<T> defaultValue(T value) {
      this.defaultValue = Objects.requireNonNull(value, "value");
      return this;
    }

    /** Sets how the documentation states the default, when it is computed at start-up. */
    public Builder<T> defaultDescription(String text) {
      this.defaultDescription = Objects.requireNonNull(text, "text");
      return this;
    }

    /** Sets the one-line description used in errors and documentation. */
    public Builder<T> description(String text) {
      this.description = Objects.requireNonNull(text, "text");
      return this;
    }

    /** Adds an alternative environment variable read as is. */
    public Builder<T> alias(String environmentVariable) {
      return alias(environmentVariable, UnaryOperator.identity());
    }

    /** Adds an alternative environment variable whose value is rewritten before parsing. */
    public Builder<T> alias(String environmentVariable, UnaryOperator<String> rewrite) {
      aliases.add(new Alias(environmentVariable, rewrite, ""));
      return this;
    }

    /**
     * Adds an alternative environment variable whose values are another convention's: rewritten
     * before parsing, and a value the rewrite cannot map is reported with {@code accepted}, the
     * values that variable takes in its own terms.
     */
    public Builder<T> alias(
        String environmentVariable, UnaryOperator<String> rewrite, String accepted) {
      aliases.add(new Alias(environmentVariable, rewrite, accepted));
      return this;
    }

    /** Marks the value as a secret that obs never prints (see {@link ConfigKey#isSensitive}). */
    public Builder<T> sensitive() {
      this.sensitive = true;
      return this;
    }

    /** Restricts the elements of a list key to the given values. */
    public Builder<T> allowedValues(String... values) {
      if (kind != Kind.LIST && kind != Kind.ENUM) {
        throw new IllegalStateException("allowed values apply to enum and list keys, not " + kind);
      }
      allowedValues.addAll(List.of(values));
      return this;
    }

    /** Restricts a number to {@code [min, max]}. */
    public Builder<T> range(double min, double max) {
      if (kind != Kind.INTEGER && kind != Kind.DECIMAL) {
        throw new IllegalStateException("a range applies to numbers, not " + kind);
      }
      if (min > max) {
        throw new IllegalArgumentException("min " + min + " > max " + max);
      }
      this.min = min;
      this.max = max;
      return this;
    }

    public ConfigKey<T> build() {
      if (kind == Kind.ENUM && allowedValues.isEmpty()) {
        throw new IllegalStateException(path + ": an enum key needs allowed values");
      }
      if (kind == Kind.ENUM && defaultValue != null && !allowedValues.contains(defaultValue)) {
        throw new IllegalStateException(path + ": default " + defaultValue + " is not allowed");
      }
      return new ConfigKey<>(this);
    }
  }
}
