// SPDX-License-Identifier: Apache-2.0
package io.obs.examples.shop.edges;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets planted where users put them (credentials in the exporter URL, API keys in the OTLP
 * headers, the redaction HMAC key, passwords and bearer tokens in log lines) never appear in
 * anything that leaves the process: standard output and error, and every payload exported over
 * OTLP; the URL's credentials still reach the collector, as an {@code Authorization} header.
 */
class SecretsIT {

  private static final String URL_PASSWORD = "PlantedUrlPassword1";
  private static final String API_KEY = "PlantedApiKey2";
  private static final String HASH_KEY = "PlantedHashKey3";
  private static final String LOGGED_PASSWORD = "PlantedLoggedPassword4";
  private static final String BEARER = "PlantedBearerToken5abcdefghijklmnop";
  private static final List<String> SECRETS =
      List.of(URL_PASSWORD, API_KEY, HASH_KEY, LOGGED_PASSWORD, BEARER);

  @TempDir Path dir;

  @Test
  void noPlantedSecretLeavesTheProcess() throws Exception {
    List<byte[]> payloads = new CopyOnWriteArrayList<>();
    List<String> authorizations = new CopyOnWriteArrayList<>();
    List<String> apiKeys = new CopyOnWriteArrayList<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    receiver.createContext("/", exchange -> {
      payloads.add(exchange.getRequestBody().readAllBytes());
      authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
      apiKeys.add(String.valueOf(exchange.getRequestHeaders().getFirst("x-api-key")));
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        out.flush();
      }
    });
    receiver.start();
    try {
      int port = receiver.getAddress().getPort();
      String output = run(Map.of(
          "OTEL_SERVICE_NAME", "secrets",
          "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector-user:" + URL_PASSWORD
              + "@127.0.0.1:" + port,
          "OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=" + API_KEY,
          "OTEL_TRACES_EXPORTER", "otlp",
          "OTEL_LOGS_EXPORTER", "otlp",
          "OTEL_METRICS_EXPORTER", "otlp",
          "OBS_METRICS_EXPORTER", "both",
          "OBS_REDACTION_HASH_KEY", HASH_KEY,
          "OBS_SERVER_ENABLED", "false"));

      assertThat(output).contains("configuration: ObsConfig").contains("login with")
          .contains("obs: started service 'secrets'");
      for (String secret : SECRETS) {
        assertThat(output).as("standard output and error").doesNotContain(secret);
        for (byte[] payload : payloads) {
          assertThat(new String(payload, StandardCharsets.ISO_8859_1)).as("an OTLP payload")
              .doesNotContain(secret);
        }
      }
      assertThat(payloads).hasSizeGreaterThanOrEqualTo(3); // spans, logs, metrics
      String basic = "Basic " + Base64.getEncoder().encodeToString(
          ("collector-user:" + URL_PASSWORD).getBytes(StandardCharsets.UTF_8));
      assertThat(authorizations).isNotEmpty().allMatch(basic::equals);
      assertThat(apiKeys).isNotEmpty().allMatch(API_KEY::equals);
    } finally {
      receiver.stop(0);
    }
  }

  @Test
  void aMalformedSettingIsReportedWithoutItsSecret() throws Exception {
    String output = run(Map.of(
        "OTEL_SERVICE_NAME", "secrets",
        "OTEL_EXPORTER_OTLP_HEADERS", "authorization-" + API_KEY,
        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector-user:" + URL_PASSWORD + "@host with space",
        "OBS_SERVER_ENABLED", "false"));

    assertThat(output).contains("obs configuration is invalid")
        .contains("OTEL_EXPORTER_OTLP_HEADERS").contains("OTEL_EXPORTER_OTLP_ENDPOINT");
    for (String secret : SECRETS) {
      assertThat(output).doesNotContain(secret);
    }
  }

  private String run(Map<String, String> env) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), SecretsApp.class.getName(),
        LOGGED_PASSWORD, BEARER));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("OBS_") || k.startsWith("OTEL_"));
    builder.environment().putAll(env);
    Path out = dir.resolve("out.log");
    Path err = dir.resolve("err.log");
    Process child = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!child.waitFor(60, TimeUnit.SECONDS)) {
      child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("the child did not exit: " + Files.readString(out));
    }
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.write(Files.readAllBytes(out));
    all.write(Files.readAllBytes(err));
    return all.toString(StandardCharsets.UTF_8);
  }
}
