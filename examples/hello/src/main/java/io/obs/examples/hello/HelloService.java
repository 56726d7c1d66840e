// SPDX-License-Identifier: Apache-2.0
package io.obs.examples.hello;

import com.sun.net.httpserver.HttpServer;
import io.obs.Observability;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The smallest service using obs: {@code Observability.init()} and one HTTP handler. Run it with
 * the README's demo command; stop it with Ctrl-C or {@code --duration <seconds>}.
 */
public final class HelloService {

  private static final AttributeKey<String> NAME = AttributeKey.stringKey("hello.name");

  private HelloService() {}

  public static void main(String[] args) throws Exception {
    Observability obs = Observability.init();
    Tracer tracer = obs.tracer("io.obs.examples.hello");
    LongCounter greetings = obs.meter("io.obs.examples.hello")
        .counterBuilder("hello.greetings").setDescription("Greetings served").build();

    int port = Integer.parseInt(System.getenv().getOrDefault("HELLO_PORT", "8080"));
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/hello", exchange -> {
      Span span = tracer.spanBuilder("GET /hello").setSpanKind(SpanKind.SERVER).startSpan();
      try (Scope ignored = span.makeCurrent(); exchange) {
        String query = exchange.getRequestURI().getQuery();
        String name = query != null && query.startsWith("name=") ? query.substring(5) : "world";
        span.setAttribute(NAME, name);
        greetings.add(1, Attributes.of(NAME, name));
        byte[] body = ("{\"greeting\":\"hello, " + name + "\",\"trace_id\":\""
            + span.getSpanContext().getTraceId() + "\"}\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      } finally {
        span.end();
      }
    });
    server.start();

    int actualPort = server.getAddress().getPort();
    System.out.println("hello-service listening on http://127.0.0.1:" + actualPort
        + "/hello?name=you");
    obs.serverPort().ifPresent(p -> System.out.println(
        "obs endpoints: http://127.0.0.1:" + p + "/healthz  http://127.0.0.1:" + p + "/readyz"));

    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "hello-stop"));
    long durationSeconds = durationArgument(args);
    sendSomeTraffic(actualPort);
    if (durationSeconds > 0) {
      stop.await(durationSeconds, TimeUnit.SECONDS);
    } else {
      stop.await();
    }
    server.stop(0);
    obs.close();
    System.out.println("hello-service stopped");
  }

  private static long durationArgument(String[] args) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("--duration")) {
        return Long.parseLong(args[i + 1]);
      }
    }
    return 0;
  }

  // A few requests so that a first run shows telemetry without anyone typing a URL.
  private static void sendSomeTraffic(int port) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    for (String name : new String[] {"ada", "grace", "linus"}) {
      HttpResponse<String> response = client.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello?name=" + name))
              .timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      System.out.print("GET /hello?name=" + name + " -> " + response.body());
    }
  }
}
