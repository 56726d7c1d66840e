// SPDX-License-Identifier: Apache-2.0
package io.obs.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The resolved configuration: every key's value after layering system properties, environment
 * variables, {@code obs.yaml} and defaults, already validated. Immutable; two configurations are
 * equal when every value is equal.
 *
 * @since 0.1.0
 */
public final class ObsConfig {

  private final List<ConfigKey<?>> keys;
  private final Map<String, Object> values;
  private final Map<String, String> sources;
  private final @Nullable Path file;
  private final String origin;

  /** Internal: not for use outside obs; configurations come from {@code Observability}. */
  public ObsConfig(
      List<ConfigKey<?>> keys,
      Map<String, Object> values,
      Map<String, String> sources,
      @Nullable Path file) {
    this(keys, values, sources, file, file != null ? "file " + file : "defaults");
  }

  /** Internal: not for use outside obs; configurations come from {@code Observability}. */
  public ObsConfig(
      List<ConfigKey<?>> keys,
      Map<String, Object> values,
      Map<String, String> sources,
      @Nullable Path file,
      String origin) {
    this.keys = List.copyOf(keys);
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    this.sources = Map.copyOf(sources);
    this.file = file;
    this.origin = Objects.requireNonNull(origin, "origin");
  }

  /**
   * The value of a key that has a default (or was set).
   *
   * @throws IllegalStateException for an optional key that nothing set; use {@link #find}
   */
  public <T> T get(ConfigKey<T> key) {
    Optional<T> value = find(key);
    if (value.isEmpty()) {
      throw new IllegalStateException(
          "config key '" + key.path() + "' has no value and no default; use find()");
    }
    return value.get();
  }

  /** The value of a key, or empty when nothing set it and it has no default. */
  @SuppressWarnings("unchecked")
  public <T> Optional<T> find(ConfigKey<T> key) {
    Objects.requireNonNull(key, "key");
    Object value = values.get(key.path());
    if (value != null) {
      return Optional.of((T) value);
    }
    return Optional.ofNullable(key.defaultValue());
  }

  /** Whether a file, variable or property set the key (as opposed to its default). */
  public boolean isSet(ConfigKey<?> key) {
    return values.containsKey(key.path());
  }

  /** Where the value came from: {@code obs.yaml:3:9}, {@code env OTEL_SERVICE_NAME}, or default. */
  public String sourceOf(ConfigKey<?> key) {
    return sources.getOrDefault(key.path(), "default");
  }

  /** The file the configuration was read from, if any. */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  /**
   * Where the configuration was read from, in one line for the start-up log: the file (or that
   * none was found, and where obs looked), and the other sources that set keys (framework
   * properties, environment variables, system properties).
   *
   * @since 0.1.0
   */
  public String origin() {
    return origin;
  }

  /** Every key known when this configuration was resolved (core and module keys). */
  public List<ConfigKey<?>> keys() {
    return keys;
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof ObsConfig that && values.equals(that.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  /** Every value, with secrets ({@link ConfigKey#isSensitive}) masked. */
  @Override
  public String toString() {
    Map<String, Object> shown = new LinkedHashMap<>(values);
    for (ConfigKey<?> key : keys) {
      Object value = shown.get(key.path());
      if (value == null) {
        continue;
      }
      if (key.isSensitive()) {
        shown.put(key.path(), "****");
      } else if (value instanceof java.net.URI uri && uri.getRawUserInfo() != null) {
        shown.put(key.path(), io.obs.internal.Endpoints.display(uri));
      }
    }
    return "ObsConfig" + shown;
  }
}
