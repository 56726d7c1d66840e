// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpRequestParserTest {

  private final HttpRequestParser parser = new HttpRequestParser(1024, 1024);

  private int feed(String text) {
    return parser.feed(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)));
  }

  @Test
  void aRequestArrivingByteByByteCompletesWithItsHeadersPathAndQuery() {
    String request = "GET /metrics?name=x HTTP/1.1\r\nHost: a\r\nAccept: text/plain\r\n"
        + "accept:  other \r\n\r\n";
    int state = HttpRequestParser.NEED_MORE;
    for (int i = 0; i < request.length(); i++) {
      assertThat(state).isEqualTo(HttpRequestParser.NEED_MORE);
      state = feed(request.substring(i, i + 1));
    }

    assertThat(state).isEqualTo(HttpRequestParser.COMPLETE);
    HttpRequestParser.Head head = parser.head();
    assertThat(head.method()).isEqualTo("GET");
    assertThat(head.path()).isEqualTo("/metrics");
    assertThat(head.query()).isEqualTo("name=x");
    assertThat(head.keepAlive()).isTrue();
    assertThat(head.headers().get("accept")).containsExactly("text/plain", "other");
  }

  @Test
  void pipelinedRequestsAreReadOneAtATime() {
    ByteBuffer both = ByteBuffer.wrap(("GET /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nxyz"
        + "HEAD /b HTTP/1.0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));

    assertThat(parser.feed(both)).isEqualTo(HttpRequestParser.COMPLETE);
    assertThat(parser.head().path()).isEqualTo("/a");
    parser.reset();
    assertThat(parser.feed(both)).isEqualTo(HttpRequestParser.COMPLETE);
    assertThat(parser.head().method()).isEqualTo("HEAD");
    assertThat(parser.head().keepAlive()).as("HTTP/1.0 closes by default").isFalse();
    assertThat(both.hasRemaining()).isFalse();
  }

  @Test
  void refusalsCarryTheirStatus() {
    assertThat(refusal("GET /" + "a".repeat(1100) + " HTTP/1.1\r\n\r\n")).isEqualTo(414);
    assertThat(refusal("GET /" + "a".repeat(2000))).as("refused before the line ends")
        .isEqualTo(414);
    assertThat(refusal("\u0000\u0001NOT HTTP AT ALL\r\n\r\n")).isEqualTo(400);
    assertThat(refusal("GET / HTTP/2.0\r\n\r\n")).isEqualTo(505);
    assertThat(refusal("GET http://x/ HTTP/1.1\r\n\r\n")).isEqualTo(400);
    assertThat(refusal("GET / HTTP/1.1\r\nX-Long: " + "a".repeat(9000))).isEqualTo(431);
    assertThat(refusal("GET / HTTP/1.1\r\n" + "X: y\r\n".repeat(65) + "\r\n")).isEqualTo(431);
    assertThat(refusal("GET / HTTP/1.1\r\n folded\r\n\r\n")).isEqualTo(400);
    assertThat(refusal("GET / HTTP/1.1\r\nContent-Length: 2000\r\n\r\n")).isEqualTo(413);
    assertThat(refusal("GET / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n"))
        .isEqualTo(413);
    assertThat(refusal("GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"))
        .isEqualTo(400);
    assertThat(refusal("GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n")).isEqualTo(400);
    assertThat(refusal("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")).isEqualTo(411);
    assertThat(refusal("GET / HTTP/1.1\r\nBad\u0001: x\r\n\r\n")).isEqualTo(400);
    assertThat(refusal("GET / HTTP/1.1\r\nX: a\u0000b\r\n\r\n")).isEqualTo(400);
  }

  @Test
  void aMegabyteOfHeaderCostsNoMoreThanTheHeaderLimit() {
    ByteBuffer huge = ByteBuffer.allocate(1 << 20);
    huge.put("GET / HTTP/1.1\r\nX-Flood: ".getBytes(StandardCharsets.ISO_8859_1));
    while (huge.hasRemaining()) {
      huge.put((byte) 'a');
    }
    huge.flip();

    assertThat(parser.feed(huge)).isEqualTo(HttpRequestParser.FAILED);
    assertThat(parser.failureStatus()).isEqualTo(431);
    assertThat(parser.bufferCapacity()).isLessThanOrEqualTo(HttpRequestParser.MAX_HEADER_BYTES);
    assertThat(huge.position()).as("stops reading at the limit")
        .isLessThanOrEqualTo(HttpRequestParser.MAX_HEADER_BYTES + 64);
  }

  private int refusal(String request) {
    parser.reset();
    int state = feed(request);
    assertThat(state).as(request).isEqualTo(HttpRequestParser.FAILED);
    return parser.failureStatus();
  }
}
