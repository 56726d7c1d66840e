// SPDX-License-Identifier: Apache-2.0
package io.obs.server;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The whole response of an {@link EndpointHandler}: status, headers and body bytes. The body is
 * complete before anything is sent, so a handler that fails halfway gives a clean 500 rather
 * than a truncated 200, and the server, not the handler, decides how the bytes travel (length,
 * keep-alive, TLS, a {@code HEAD} request's missing body).
 *
 * @since 0.1.0
 */
public final class EndpointResponse {

  private final int status;
  private final Map<String, String> headers;
  private final byte[] body;

  EndpointResponse(Builder builder) {
    this.status = builder.status;
    this.headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(builder.headers));
    this.body = builder.body;
  }

  /** A response with this status, to be given headers and a body. */
  public static Builder builder(int status) {
    return new Builder(status);
  }

  /** A UTF-8 JSON response that must not be cached. */
  public static EndpointResponse json(int status, String json) {
    return builder(status)
        .setHeader("Content-Type", "application/json; charset=utf-8")
        .setHeader("Cache-Control", "no-store")
        .setBody(json.getBytes(StandardCharsets.UTF_8))
        .build();
  }

  public int status() {
    return status;
  }

  /** Header names as set, in the order set. */
  public Map<String, String> headers() {
    return headers;
  }

  /** The body; callers must not modify it. */
  public byte[] body() {
    return body;
  }

  /** Builds an {@link EndpointResponse}; setters validate their argument and return {@code this}. */
  public static final class Builder {
    private final int status;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private byte[] body = new byte[0];

    Builder(int status) {
      if (status < 200 || status > 599) {
        throw new IllegalArgumentException("status must be 200-599, got " + status);
      }
      this.status = status;
    }

    /**
     * Sets a header, replacing one of the same case-insensitive name. The framing headers ({@code
     * Content-Length}, {@code Transfer-Encoding}, {@code Connection}) belong to the server.
     */
    public Builder setHeader(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (!isToken(name)) {
        throw new IllegalArgumentException("not a header name: " + name);
      }
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.equals("content-length") || lower.equals("transfer-encoding")
          || lower.equals("connection")) {
        throw new IllegalArgumentException(name + " is set by the endpoint server");
      }
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        // A CR or LF would let a value inject headers; other controls have no business there.
        if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
          throw new IllegalArgumentException("header " + name + " has a character not allowed"
              + " in a header value at index " + i);
        }
      }
      headers.keySet().removeIf(existing -> existing.equalsIgnoreCase(name));
      headers.put(name, value);
      return this;
    }

    /** Sets the body (not copied). */
    public Builder setBody(byte[] body) {
      this.body = Objects.requireNonNull(body, "body");
      return this;
    }

    public EndpointResponse build() {
      return new EndpointResponse(this);
    }

    private static boolean isToken(String name) {
      if (name.isEmpty()) {
        return false;
      }
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        if (!ok) {
          return false;
        }
      }
      return true;
    }
  }
}
