// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Internal: not for use outside obs. The bytes of the endpoint server's responses: status line,
 * the handler's headers, the framing headers only the server sets, and the body (left out for
 * {@code HEAD}, whose {@code Content-Length} is still the GET's).
 */
final class EndpointResponses {

  private static final byte[] OVERLOADED = encode(503, Map.of(
          "Content-Type", "application/json; charset=utf-8",
          "Cache-Control", "no-store",
          "Retry-After", "1"),
      "{\"error\":\"the endpoint server is busy\"}".getBytes(StandardCharsets.UTF_8), false, true);

  private EndpointResponses() {}

  /** The 503 that an overload gets: connection limit or work queue full. */
  static byte[] overloaded() {
    return OVERLOADED;
  }

  /** A JSON error that closes the connection. */
  static byte[] error(int status, String message, boolean head) {
    return encode(status, Map.of(
            "Content-Type", "application/json; charset=utf-8",
            "Cache-Control", "no-store"),
        ("{\"error\":" + EndpointServerImpl.json(message) + "}").getBytes(StandardCharsets.UTF_8),
        head, true);
  }

  static byte[] encode(int status, Map<String, String> headers, byte[] body, boolean head,
      boolean close) {
    StringBuilder text = new StringBuilder(128 + headers.size() * 48)
        .append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
    headers.forEach((name, value) -> text.append(name).append(": ").append(value).append("\r\n"));
    text.append("Content-Length: ").append(body.length).append("\r\n");
    if (close) {
      text.append("Connection: close\r\n");
    }
    text.append("\r\n");
    byte[] start = text.toString().getBytes(StandardCharsets.ISO_8859_1);
    if (head || body.length == 0) {
      return start;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(start.length + body.length);
    out.writeBytes(start);
    out.writeBytes(body);
    return out.toByteArray();
  }

  static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 204 -> "No Content";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 408 -> "Request Timeout";
      case 411 -> "Length Required";
      case 413 -> "Content Too Large";
      case 414 -> "URI Too Long";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 503 -> "Service Unavailable";
      case 505 -> "HTTP Version Not Supported";
      default -> status < 300 ? "OK" : status < 500 ? "Client Error" : "Server Error";
    };
  }
}
