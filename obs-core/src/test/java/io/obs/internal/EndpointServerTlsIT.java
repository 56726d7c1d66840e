// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.obs.Observability;
import io.obs.server.EndpointResponse;
import io.obs.server.ReadinessCheck;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The endpoint server over TLS from a configured keystore, and behind a bearer token. */
class EndpointServerTlsIT {

  private static final String PASSWORD = "s3cret-store";
  private static final String TOKEN = "t0ken-for-scrapers";

  @TempDir static Path dir;
  private static Path keystore;
  private static HttpClient https;

  @BeforeAll
  static void makeKeystore() throws Exception {
    keystore = dir.resolve("endpoint.p12");
    Process keytool = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "obs", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
        "-keystore", keystore.toString(), "-storetype", "PKCS12",
        "-storepass", PASSWORD, "-keypass", PASSWORD)
        .redirectErrorStream(true).start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(output).isZero();
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    try (InputStream in = java.nio.file.Files.newInputStream(keystore)) {
      trusted.load(in, PASSWORD.toCharArray());
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext client = SSLContext.getInstance("TLS");
    client.init(null, trust.getTrustManagers(), null);
    https = HttpClient.newBuilder().sslContext(client).connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  @Test
  void obsYamlKeysServeHttpsWithTheTokenAndKeepTheProbesOpen() throws Exception {
    Observability obs = Observability.builder()
        .setConfigYaml("service:\n  name: tls-test\n")
        .setEnvironment(Map.of())
        .setSystemProperties(Map.of())
        .setModules(List.of())
        .setRegisterGlobal(false)
        .set("traces.exporter", "none")
        .set("metrics.exporter", "none")
        .set("logs.exporter", "none")
        .set("server.host", "127.0.0.1")
        .set("server.port", "0")
        .set("server.token", TOKEN)
        .set("server.tls.keystore", keystore.toString())
        .set("server.tls.keystore_password", PASSWORD)
        .set("shutdown.hook", "false")
        .build();
    try {
      int port = obs.serverPort().orElseThrow();

      HttpResponse<String> health = send(port, "/healthz", null);
      HttpResponse<String> readyAnonymous = send(port, "/readyz", null);
      HttpResponse<String> readyWithToken = send(port, "/readyz", TOKEN);
      HttpResponse<String> unknownAnonymous = send(port, "/metrics", null);
      HttpResponse<String> unknownWrongToken = send(port, "/metrics", "guess");
      HttpResponse<String> unknownWithToken = send(port, "/metrics", TOKEN);

      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
      assertThat(readyAnonymous.statusCode()).isEqualTo(200);
      assertThat(readyAnonymous.body()).isEqualTo("{\"status\":\"UP\"}");
      assertThat(readyWithToken.body()).contains("\"checks\":{\"start\":");
      assertThat(unknownAnonymous.statusCode()).isEqualTo(401);
      assertThat(unknownAnonymous.headers().firstValue("WWW-Authenticate"))
          .hasValue("Bearer realm=\"obs\"");
      assertThat(unknownWrongToken.statusCode()).isEqualTo(401);
      assertThat(unknownWithToken.statusCode()).isEqualTo(404);
      // Never printed: neither the token nor the keystore password.
      assertThat(obs.toString()).doesNotContain(TOKEN).doesNotContain(PASSWORD);
    } finally {
      obs.close();
    }
  }

  @Test
  void plainHttpToTheTlsPortIsClosedAndHandlersServeOverTls() throws Exception {
    Readiness readiness = new Readiness();
    readiness.add("db", () -> ReadinessCheck.Result.ready("connected"));
    EndpointServerImpl server = EndpointServerImpl.bind(new EndpointSettings("127.0.0.1", 0, 2,
        16, 8, 8192, Duration.ofSeconds(2), Duration.ofSeconds(30), null,
        EndpointSettings.tlsContext(keystore, PASSWORD, "pkcs12"), "/healthz", "/readyz",
        Duration.ofSeconds(1), "tls"), readiness, OpenTelemetry.noop().getMeter("test"));
    server.register("/metrics", request -> EndpointResponse.builder(200)
        .setHeader("Content-Type", "text/plain").setBody("up 1\n".getBytes(StandardCharsets.UTF_8))
        .build());
    server.start();
    try {
      int port = server.port();
      RawHttp.Answer plain = RawHttp.exchange(port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 5000);
      assertThat(plain.status()).isZero();
      // A connection that never starts its handshake is closed after the header timeout.
      try (Socket silent = new Socket("127.0.0.1", port)) {
        silent.setSoTimeout(6000);
        long start = System.nanoTime();
        assertThat(silent.getInputStream().read()).isEqualTo(-1);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(1500L, 5000L);
      }
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> metrics = send(port, "/metrics", null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).isEqualTo("up 1\n");
      }
      assertThat(send(port, "/readyz", null).body()).contains("\"db\":{\"status\":\"UP\"");
      assertThat(server.timedOutRequests()).isEqualTo(1);
    } finally {
      server.stop();
      readiness.close();
    }
  }

  @Test
  void aWrongKeystorePasswordNamesTheKeyAndNotThePassword() {
    assertThatThrownBy(() -> EndpointSettings.tlsContext(keystore, "wrong-password", "pkcs12"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("server.tls.keystore " + keystore)
        .hasMessageContaining("server.tls.keystore_password")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong-password"));
    assertThatThrownBy(() -> EndpointSettings.tlsContext(dir.resolve("missing.p12"), PASSWORD,
        "pkcs12")).isInstanceOf(IOException.class).hasMessageContaining("missing.p12");
  }

  private static HttpResponse<String> send(int port, String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return https.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
