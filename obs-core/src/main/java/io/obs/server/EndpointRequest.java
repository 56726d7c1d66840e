// SPDX-License-Identifier: Apache-2.0
package io.obs.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One complete request to the {@link EndpointServer}: method, path, query and headers. Requests
 * carry no body: the server serves {@code GET} and {@code HEAD} only and discards a body.
 *
 * @since 0.1.0
 */
public final class EndpointRequest {

  private final String method;
  private final String path;
  private final @Nullable String query;
  private final Map<String, List<String>> headers; // lower-case names

  EndpointRequest(Builder builder) {
    this.method = builder.method;
    this.path = builder.path;
    this.query = builder.query;
    Map<String, List<String>> copy = new LinkedHashMap<>();
    builder.headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
    this.headers = java.util.Collections.unmodifiableMap(copy);
  }

  /** A request to build, for the server and for handler tests. */
  public static Builder builder(String method, String path) {
    return new Builder(method, path);
  }

  /** {@code GET} or {@code HEAD}. */
  public String method() {
    return method;
  }

  /** Whether the response body will be dropped ({@code HEAD}). */
  public boolean isHead() {
    return method.equals("HEAD");
  }

  /** The raw (still percent-encoded) path, without the query. */
  public String path() {
    return path;
  }

  /** The raw query after {@code ?}, or {@code null} when there is none. */
  public @Nullable String query() {
    return query;
  }

  /** The first value of a header, by case-insensitive name, or {@code null}. */
  public @Nullable String header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** Every value of a header, by case-insensitive name, in the order received; maybe empty. */
  public List<String> headers(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null ? List.of() : values;
  }

  /** Every header, names in lower case, in the order first received. */
  public Map<String, List<String>> headers() {
    return headers;
  }

  @Override
  public String toString() {
    // Header values stay out: one of them may be the bearer token.
    return method + " " + path + (query == null ? "" : "?" + query);
  }

  /** Builds an {@link EndpointRequest}; setters validate their argument and return {@code this}. */
  public static final class Builder {
    private final String method;
    private final String path;
    private @Nullable String query;
    private final Map<String, List<String>> headers = new LinkedHashMap<>();

    Builder(String method, String path) {
      this.method = Objects.requireNonNull(method, "method");
      this.path = Objects.requireNonNull(path, "path");
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException("path must start with '/': " + path);
      }
    }

    /** Sets the raw query ({@code null} for none). */
    public Builder setQuery(@Nullable String query) {
      this.query = query;
      return this;
    }

    /** Appends a header value; names are case-insensitive. */
    public Builder addHeader(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(value);
      return this;
    }

    public EndpointRequest build() {
      return new EndpointRequest(this);
    }
  }
}
