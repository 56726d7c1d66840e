// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.internal;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Internal: not for use outside obs. The semantic-convention attribute keys and metric names the
 * instrumentation writes, in one place (the rpc ones are still "incubating" upstream, so they are
 * spelled out here rather than taken from the semconv artifact).
 */
public final class Semconv {

  public static final AttributeKey<String> HTTP_REQUEST_METHOD =
      AttributeKey.stringKey("http.request.method");
  public static final AttributeKey<String> HTTP_REQUEST_METHOD_ORIGINAL =
      AttributeKey.stringKey("http.request.method_original");
  public static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
  public static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE =
      AttributeKey.longKey("http.response.status_code");
  public static final AttributeKey<String> HTTP_REQUEST_ID =
      AttributeKey.stringKey("http.request.id");
  public static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
  public static final AttributeKey<String> URL_QUERY = AttributeKey.stringKey("url.query");
  public static final AttributeKey<String> URL_SCHEME = AttributeKey.stringKey("url.scheme");
  public static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
  public static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  public static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  public static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.stringKey("client.address");
  public static final AttributeKey<String> NETWORK_PROTOCOL_VERSION =
      AttributeKey.stringKey("network.protocol.version");
  public static final AttributeKey<String> USER_AGENT_ORIGINAL =
      AttributeKey.stringKey("user_agent.original");
  public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  public static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  public static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
  public static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  public static final AttributeKey<Long> RPC_GRPC_STATUS_CODE =
      AttributeKey.longKey("rpc.grpc.status_code");

  public static final String HTTP_SERVER_DURATION = "http.server.request.duration";
  public static final String HTTP_CLIENT_DURATION = "http.client.request.duration";
  public static final String HTTP_SERVER_ACTIVE = "http.server.active_requests";
  public static final String RPC_SERVER_DURATION = "rpc.server.call.duration";
  public static final String RPC_CLIENT_DURATION = "rpc.client.call.duration";

  /** The semantic conventions' recommended buckets for HTTP durations, in seconds. */
  public static final List<Double> HTTP_DURATION_BUCKETS =
      List.of(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);


  private static final Set<String> KNOWN_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  private Semconv() {}

  /** The method as the conventions want it: a known method, or {@code _OTHER}. */
  public static String method(String method) {
    if (KNOWN_METHODS.contains(method)) {
      return method;
    }
    String upper = method.toUpperCase(Locale.ROOT);
    return KNOWN_METHODS.contains(upper) ? upper : "_OTHER";
  }

  /**
   * A query string with every value replaced by {@code REDACTED} ({@code sku=1&email=a@b} becomes
   * {@code sku=REDACTED&email=REDACTED}): keys help debugging, values often carry personal data or
   * credentials. A parameter without {@code =} is all value ({@code ?jane@example.com}, {@code
   * ?s3cr3t}), so it is replaced whole.
   */
  public static String redactQuery(String query) {
    StringBuilder out = new StringBuilder(query.length());
    int start = 0;
    while (start <= query.length()) {
      int amp = query.indexOf('&', start);
      int end = amp < 0 ? query.length() : amp;
      String pair = query.substring(start, end);
      int eq = pair.indexOf('=');
      if (out.length() > 0 || start > 0) {
        out.append('&');
      }
      out.append(eq < 0 ? (pair.isEmpty() ? "" : "REDACTED") : pair.substring(0, eq) + "=REDACTED");
      if (amp < 0) {
        break;
      }
      start = amp + 1;
    }
    return out.toString();
  }

  /** {@code HTTP/1.1} becomes {@code 1.1}, {@code HTTP_2} becomes {@code 2}. */
  public static String protocolVersion(String protocol) {
    String p = protocol.trim();
    int slash = p.indexOf('/');
    if (slash >= 0) {
      return p.substring(slash + 1);
    }
    if (p.startsWith("HTTP_")) {
      return p.substring(5).replace('_', '.');
    }
    return p;
  }
}
