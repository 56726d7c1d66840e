// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.obs.server.EndpointResponse;
import io.obs.server.ReadinessCheck;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EndpointServerImplTest {

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private EndpointServerImpl server;
  private final Readiness readiness = new Readiness();

  @BeforeEach
  void start() throws IOException {
    server = EndpointServerImpl.bind(new EndpointSettings("127.0.0.1", 0, 2, 16, 64, 1024,
        Duration.ofSeconds(5), Duration.ofSeconds(30), null, null, "/healthz", "/readyz",
        Duration.ofMillis(300), "shop \"quoted\""), readiness,
        OpenTelemetry.noop().getMeter("test"));
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop();
    readiness.close();
  }

  @Test
  void healthzAnswersJson() throws Exception {
    HttpResponse<String> response = get("/healthz");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("application/json; charset=utf-8");
    assertThat(response.body()).isEqualTo("{\"status\":\"UP\",\"service\":\"shop \\\"quoted\\\"\"}");
  }

  @Test
  void readyzWithoutChecksIsReady() throws Exception {
    HttpResponse<String> response = get("/readyz");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"checks\":{},\"status\":\"UP\"}");
  }

  @Test
  void readyzReportsEachCheckAndFailsWhenOneIsDown() throws Exception {
    readiness.add("db", () -> ReadinessCheck.Result.ready("connected"));
    readiness.add("ebpf", () -> ReadinessCheck.Result.notReady("no BTF"));
    readiness.add("broken", () -> {
      throw new IllegalStateException("kaput");
    });

    HttpResponse<String> response = get("/readyz");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).isEqualTo("{\"checks\":{"
        + "\"db\":{\"status\":\"UP\",\"detail\":\"connected\"},"
        + "\"ebpf\":{\"status\":\"DOWN\",\"detail\":\"no BTF\"},"
        + "\"broken\":{\"status\":\"DOWN\",\"detail\":\"check failed: "
        + "java.lang.IllegalStateException: kaput\"}},\"status\":\"DOWN\"}");
  }

  @Test
  void aHangingCheckTimesOutInsteadOfHangingTheProbe() throws Exception {
    readiness.add("slow", () -> {
      Thread.sleep(10_000);
      return ReadinessCheck.Result.ready("never");
    });

    HttpResponse<String> response = get("/readyz");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).contains("\"slow\":{\"status\":\"DOWN\",\"detail\":\"timed out");
  }

  @Test
  void registeredHandlersServeTheirPath() throws Exception {
    server.register("/metrics", request -> EndpointResponse.builder(200)
        .setHeader("Content-Type", "text/plain")
        .setBody("up 1\n".getBytes(StandardCharsets.UTF_8))
        .build());

    assertThat(get("/metrics").body()).isEqualTo("up 1\n");
    assertThatThrownBy(() -> server.register("/metrics", request -> EndpointResponse.json(200, "{}")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("already registered");
  }

  @Test
  void unknownPathsAre404() throws Exception {
    HttpResponse<String> response = get("/nope");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).isEqualTo("{\"error\":\"not found\",\"path\":\"/nope\"}");
  }

  @Test
  void onlyGetAndHeadAreServed() throws Exception {
    HttpResponse<String> post = client.send(HttpRequest.newBuilder(uri("/healthz"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> head = client.send(HttpRequest.newBuilder(uri("/healthz"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void oversizedRequestsAreRefusedAndTheServerStaysHealthy() throws Exception {
    HttpResponse<String> longUri = get("/healthz?" + "a".repeat(2000));
    HttpResponse<String> bigBody = client.send(HttpRequest.newBuilder(uri("/healthz"))
        .method("GET", HttpRequest.BodyPublishers.ofString("b".repeat(5000))).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(longUri.statusCode()).isEqualTo(414);
    assertThat(bigBody.statusCode()).isEqualTo(413);
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void garbageOnTheSocketDoesNotHurtTheServer() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write("\u0000\u0001NOT HTTP AT ALL\r\n\r\n".getBytes(
          StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[512];
      // The server answers 400 or closes; either way it must not hang beyond the timeout.
      int read = in.read(buffer);
      if (read > 0) {
        assertThat(new String(buffer, 0, read, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 4");
      }
    } catch (java.net.SocketException reset) {
      // A reset connection is an acceptable refusal too.
    }

    assertThat(get("/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void twentyThousandPipelinedRequestsOnOneConnectionAreAllAnswered() throws Exception {
    int requests = 20_000;
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(30_000);
      Thread writer = new Thread(() -> {
        byte[] request = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
            .getBytes(StandardCharsets.ISO_8859_1);
        try {
          OutputStream out = new java.io.BufferedOutputStream(socket.getOutputStream(), 65536);
          for (int i = 0; i < requests; i++) {
            out.write(request);
          }
          out.flush();
        } catch (IOException e) {
          // The reader's assertion says what went wrong.
        }
      });
      writer.setDaemon(true);
      writer.start();
      InputStream in = socket.getInputStream();
      byte[] marker = "HTTP/1.1 200 ".getBytes(StandardCharsets.ISO_8859_1);
      byte[] buffer = new byte[65536];
      int answered = 0;
      int matched = 0;
      while (answered < requests) {
        int read = in.read(buffer);
        if (read < 0) {
          break;
        }
        for (int i = 0; i < read; i++) {
          matched = buffer[i] == marker[matched] ? matched + 1 : (buffer[i] == marker[0] ? 1 : 0);
          if (matched == marker.length) {
            answered++;
            matched = 0;
          }
        }
      }
      assertThat(answered).isEqualTo(requests);
    }
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void aFailingHandlerGives500WithoutDetails() throws Exception {
    server.register("/boom", request -> {
      throw new IllegalStateException("secret detail");
    });

    HttpResponse<String> response = get("/boom");

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).doesNotContain("secret");
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }
}
