// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. Reads one HTTP/1.x request head, and discards its body, from
 * bytes as they arrive, under hard limits: the line buffer never grows past the request-line or
 * header limit, so what a client sends cannot make the server allocate more. The endpoint server
 * serves GET and HEAD, so a body is only counted and dropped; a chunked one is refused.
 */
final class HttpRequestParser {

  /** More bytes are needed. */
  static final int NEED_MORE = 0;
  /** A request is complete: see {@link #head()}. */
  static final int COMPLETE = 1;
  /** The request is refused: see {@link #failureStatus()}; the connection must close. */
  static final int FAILED = 2;

  /** All header lines of one request together, in bytes. */
  static final int MAX_HEADER_BYTES = 8192;
  static final int MAX_HEADERS = 64;
  /** Room for the method and version around the target in the request line. */
  private static final int REQUEST_LINE_OVERHEAD = 32;
  /** Empty lines tolerated before a request line (RFC 9112 2.2). */
  private static final int MAX_LEADING_EMPTY_LINES = 4;

  /** A complete request head. Header names are lower case. */
  record Head(String method, String path, @Nullable String query, boolean keepAlive,
      Map<String, List<String>> headers) {
    @Nullable
    String header(String lowerCaseName) {
      List<String> values = headers.get(lowerCaseName);
      return values == null || values.isEmpty() ? null : values.get(0);
    }
  }

  private enum State { REQUEST_LINE, HEADERS, BODY, DONE, FAILED }

  private final int maxTargetBytes;
  private final int maxBodyBytes;
  private State state = State.REQUEST_LINE;
  private byte[] line = new byte[128];
  private int lineLength;
  private boolean started;
  private int emptyLines;
  private int headerBytes;
  private long bodyRemaining;
  private @Nullable String method;
  private @Nullable String target;
  private boolean http11;
  private final Map<String, List<String>> headers = new LinkedHashMap<>();
  private int headerCount;
  private @Nullable Head head;
  private int failureStatus;
  private String failureMessage = "";

  HttpRequestParser(int maxTargetBytes, int maxBodyBytes) {
    this.maxTargetBytes = maxTargetBytes;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** The line buffer's size: what one connection's parsing holds, whatever the client sent. */
  int bufferCapacity() {
    return line.length;
  }

  /** Whether any byte of the current request has arrived. */
  boolean started() {
    return started;
  }

  /** Forgets the request, keeping the buffers, for the next one on the same connection. */
  void reset() {
    state = State.REQUEST_LINE;
    lineLength = 0;
    started = false;
    emptyLines = 0;
    headerBytes = 0;
    bodyRemaining = 0;
    method = null;
    target = null;
    http11 = false;
    headers.clear();
    headerCount = 0;
    head = null;
    failureStatus = 0;
    failureMessage = "";
  }

  /**
   * Consumes bytes of {@code in} up to the end of the current request (what follows is the next
   * request's and stays in {@code in}); returns {@link #NEED_MORE}, {@link #COMPLETE} or {@link
   * #FAILED}.
   */
  int feed(ByteBuffer in) {
    while (true) {
      switch (state) {
        case DONE:
          return COMPLETE;
        case FAILED:
          return FAILED;
        case BODY: {
          int skip = (int) Math.min(in.remaining(), bodyRemaining);
          in.position(in.position() + skip);
          bodyRemaining -= skip;
          if (bodyRemaining == 0) {
            complete();
            continue;
          }
          return NEED_MORE;
        }
        default:
          if (!in.hasRemaining()) {
            return NEED_MORE;
          }
          byte b = in.get();
          started = true;
          if (b == '\n') {
            int length = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
            lineLength = 0;
            if (state == State.REQUEST_LINE) {
              requestLine(length);
            } else {
              headerLine(length);
            }
            continue;
          }
          if (!append(b)) {
            continue; // failed
          }
      }
    }
  }

  private boolean append(byte b) {
    int limit = state == State.REQUEST_LINE
        ? maxTargetBytes + REQUEST_LINE_OVERHEAD
        : MAX_HEADER_BYTES - headerBytes;
    if (lineLength >= limit) {
      if (state == State.REQUEST_LINE) {
        // Long because of its target (a method and a space came first), or just not HTTP.
        int space = indexOf(line, lineLength, (byte) ' ');
        fail(space > 0 && isToken(line, 0, space) ? 414 : 400, "request line too long");
      } else {
        fail(431, "request headers too large");
      }
      return false;
    }
    if (lineLength == line.length) {
      line = java.util.Arrays.copyOf(line, Math.min(line.length * 2, Math.max(limit, 1)));
    }
    line[lineLength++] = b;
    return true;
  }

  private void requestLine(int length) {
    if (length == 0) {
      if (++emptyLines > MAX_LEADING_EMPTY_LINES) {
        fail(400, "no request line");
      }
      return;
    }
    int first = indexOf(line, length, (byte) ' ');
    int second = first < 0 ? -1 : indexOf(line, first + 1, length, (byte) ' ');
    if (first <= 0 || second < 0 || indexOf(line, second + 1, length, (byte) ' ') >= 0) {
      fail(400, "malformed request line");
      return;
    }
    if (!isToken(line, 0, first)) {
      fail(400, "malformed method");
      return;
    }
    if (second - first - 1 > maxTargetBytes) {
      fail(414, "request target too long");
      return;
    }
    String version = new String(line, second + 1, length - second - 1, StandardCharsets.ISO_8859_1);
    if (version.equals("HTTP/1.1")) {
      http11 = true;
    } else if (!version.equals("HTTP/1.0")) {
      fail(version.startsWith("HTTP/") ? 505 : 400, "unsupported protocol version");
      return;
    }
    for (int i = first + 1; i < second; i++) {
      // Visible ASCII only; a fragment has no place in a request.
      if (line[i] < 0x21 || line[i] > 0x7e || line[i] == '#') {
        fail(400, "malformed request target");
        return;
      }
    }
    if (second == first + 1 || line[first + 1] != '/') {
      fail(400, "request target must be a path");
      return;
    }
    method = new String(line, 0, first, StandardCharsets.ISO_8859_1);
    target = new String(line, first + 1, second - first - 1, StandardCharsets.ISO_8859_1);
    state = State.HEADERS;
  }

  private void headerLine(int length) {
    headerBytes += length + 2;
    if (length == 0) {
      endOfHeaders();
      return;
    }
    if (line[0] == ' ' || line[0] == '\t') {
      fail(400, "folded header line");
      return;
    }
    int colon = indexOf(line, length, (byte) ':');
    if (colon <= 0 || !isToken(line, 0, colon)) {
      fail(400, "malformed header line");
      return;
    }
    int start = colon + 1;
    int end = length;
    while (start < end && (line[start] == ' ' || line[start] == '\t')) {
      start++;
    }
    while (end > start && (line[end - 1] == ' ' || line[end - 1] == '\t')) {
      end--;
    }
    for (int i = start; i < end; i++) {
      int c = line[i] & 0xff;
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        fail(400, "control character in a header value");
        return;
      }
    }
    if (++headerCount > MAX_HEADERS) {
      fail(431, "too many request headers");
      return;
    }
    String name = new String(line, 0, colon, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
    String value = new String(line, start, end - start, StandardCharsets.ISO_8859_1);
    List<String> values = headers.get(name);
    if (values == null) {
      values = new ArrayList<>(1);
      headers.put(name, values);
    }
    values.add(value);
  }

  private void endOfHeaders() {
    if (headers.containsKey("transfer-encoding")) {
      // GET and HEAD carry no body; reading a chunked one only to drop it is not worth a parser.
      fail(411, "a request body needs a Content-Length");
      return;
    }
    long length = 0;
    List<String> lengths = headers.get("content-length");
    if (lengths != null) {
      String first = null;
      for (String value : lengths) {
        for (String part : value.split(",", -1)) {
          String trimmed = part.trim();
          if (first != null && !first.equals(trimmed)) {
            fail(400, "conflicting Content-Length");
            return;
          }
          first = trimmed;
        }
      }
      if (first == null || first.isEmpty() || first.length() > 18 || !isDigits(first)) {
        fail(first != null && first.length() > 18 && isDigits(first) ? 413 : 400,
            "malformed Content-Length");
        return;
      }
      length = Long.parseLong(first);
    }
    if (length > maxBodyBytes) {
      fail(413, "request body too large");
      return;
    }
    bodyRemaining = length;
    if (length == 0) {
      complete();
    } else {
      state = State.BODY;
    }
  }

  private void complete() {
    String connection = header("connection");
    boolean keepAlive = http11
        ? connection == null || !hasToken(connection, "close")
        : connection != null && hasToken(connection, "keep-alive");
    String fullTarget = target == null ? "/" : target;
    int question = fullTarget.indexOf('?');
    Map<String, List<String>> copy = new LinkedHashMap<>();
    headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
    head = new Head(method == null ? "GET" : method,
        question < 0 ? fullTarget : fullTarget.substring(0, question),
        question < 0 ? null : fullTarget.substring(question + 1), keepAlive, copy);
    state = State.DONE;
  }

  private @Nullable String header(String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? null : String.join(",", values);
  }

  /** The completed request; only after {@link #feed} returned {@link #COMPLETE}. */
  Head head() {
    if (head == null) {
      throw new IllegalStateException("no complete request");
    }
    return head;
  }

  /** The status to answer a refused request with (400, 411, 413, 414, 431, 505). */
  int failureStatus() {
    return failureStatus;
  }

  String failureMessage() {
    return failureMessage;
  }

  private void fail(int status, String message) {
    state = State.FAILED;
    failureStatus = status;
    failureMessage = message;
  }

  private static boolean hasToken(String list, String token) {
    for (String part : list.split(",")) {
      if (part.trim().equalsIgnoreCase(token)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isDigits(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] bytes, int length, byte wanted) {
    return indexOf(bytes, 0, length, wanted);
  }

  private static int indexOf(byte[] bytes, int from, int length, byte wanted) {
    for (int i = from; i < length; i++) {
      if (bytes[i] == wanted) {
        return i;
      }
    }
    return -1;
  }

  /** RFC 9110 token characters. */
  static boolean isToken(byte[] bytes, int from, int to) {
    if (from >= to) {
      return false;
    }
    for (int i = from; i < to; i++) {
      int c = bytes[i] & 0xff;
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || (c < 0x80 && "!#$%&'*+-.^_`|~".indexOf(c) >= 0);
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
