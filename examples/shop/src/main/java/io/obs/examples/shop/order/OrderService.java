// SPDX-License-Identifier: Apache-2.0
package io.obs.examples.shop.order;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.micrometer.core.instrument.Counter;
import io.obs.Observability;
import io.obs.examples.shop.ShopHttp;
import io.obs.examples.shop.StopSignal;
import io.obs.tracing.grpc.GrpcTracing;
import io.obs.examples.shop.grpc.Reserve;
import io.obs.metrics.MetricFamily;
import io.obs.metrics.ObsMetrics;
import io.obs.tracing.http.ObsHttpServerFilter;
import io.obs.tracing.http.TracingHttpClient;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * order-service: {@code GET /orders/{id}?sku=..&email=..} on {@code ORDER_PORT} (default 8080).
 * It checks stock in inventory-service over HTTP, reserves it over gRPC, has payment-service
 * authorize the payment over HTTP ({@code amount}, {@code card}), logs {@code order placed} and
 * counts the order in {@code shop_orders_total{result,channel}}. {@code fail=true} and {@code
 * slow=<ms>} are passed on to inventory-service.
 *
 * <p>A declined payment answers 402 ({@code payment_declined}); a payment-service that fails or
 * cannot be reached, 502 ({@code payment_error}). Either way the reserved stock stays reserved:
 * the demo's inventory restocks itself, where a real shop would release the reservation.
 */
public final class OrderService {

  private static final Logger LOG = LoggerFactory.getLogger(OrderService.class);
  private static final Set<String> CHANNELS = Set.of("web", "mobile", "store");
  /** A test card number (Visa's), used when an order names none. */
  private static final String TEST_CARD = "4111111111111111";

  private final HttpClient http;
  private final ManagedChannel channel;
  private final URI inventory;
  private final URI payment;
  private final MetricFamily<Counter> orders;

  private OrderService(
      HttpClient http,
      ManagedChannel channel,
      URI inventory,
      URI payment,
      MetricFamily<Counter> orders) {
    this.http = http;
    this.channel = channel;
    this.inventory = inventory;
    this.payment = payment;
    this.orders = orders;
  }

  public static void main(String[] args) throws Exception {
    Observability obs = Observability.init();
    StopSignal stop = StopSignal.install();

    // tag::business-counter[]
    ObsMetrics metrics = obs.component(ObsMetrics.class).orElseThrow();
    MetricFamily<Counter> orders = metrics.counter("shop.orders", "result", "channel");
    // end::business-counter[]
    // tag::http-client[]
    HttpClient http =
        TracingHttpClient.wrap(
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build(), obs);
    // end::http-client[]
    ManagedChannel channel =
        NettyChannelBuilder.forTarget(ShopHttp.env("INVENTORY_GRPC_TARGET", "127.0.0.1:9090"))
            .usePlaintext()
            .intercept(GrpcTracing.create(obs).clientInterceptor())
            .build();
    // Connect now rather than on the first order, which would otherwise pay for it.
    channel.getState(true);
    URI inventory = URI.create(ShopHttp.env("INVENTORY_URL", "http://127.0.0.1:8081"));
    URI payment = URI.create(ShopHttp.env("PAYMENT_URL", "http://127.0.0.1:8082"));
    OrderService service = new OrderService(http, channel, inventory, payment, orders);

    ExecutorService workers = Executors.newFixedThreadPool(8);
    HttpServer server =
        HttpServer.create(
            new InetSocketAddress("127.0.0.1", ShopHttp.envInt("ORDER_PORT", 8080)), 64);
    server.setExecutor(workers);
    server
        .createContext("/orders/", service::order)
        .getFilters()
        .add(ObsHttpServerFilter.builder(obs).setRoutes("/orders/{id}").build());
    server.start();
    LOG.atInfo()
        .addKeyValue("http.port", server.getAddress().getPort())
        .addKeyValue("inventory", inventory.toString())
        .addKeyValue("payment", payment.toString())
        .log("order-service started");

    stop.await();
    LOG.atInfo().addKeyValue("reason", stop.reason()).log("order-service stopping");
    server.stop(1);
    workers.shutdown();
    channel.shutdown();
    workers.awaitTermination(5, TimeUnit.SECONDS);
    channel.awaitTermination(5, TimeUnit.SECONDS);
    obs.close();
    System.exit(0);
  }

  @SuppressWarnings("try") // the baggage scope is used for its effect, not by name
  private void order(HttpExchange exchange) throws IOException {
    // Closed in finally rather than by try-with-resources: the catch blocks still answer on it.
    try {
      String orderId = ShopHttp.lastSegment(exchange);
      Map<String, String> query = ShopHttp.query(exchange);
      String sku = query.getOrDefault("sku", "sku-1");
      String email = query.getOrDefault("email", "anonymous@example.com");
      // A label value straight from a request would let any caller create series; map it onto
      // the few channels the business knows.
      String requested = query.getOrDefault("channel", "web");
      String channelName = CHANNELS.contains(requested) ? requested : "other";
      String tenant = query.getOrDefault("tenant", "acme");

      Baggage baggage = Baggage.current().toBuilder().put("tenant-id", tenant).build();
      try (Scope ignored = baggage.makeCurrent()) {
        Map<String, Object> body = place(orderId, sku, email, channelName, query);
        int status = (int) body.remove("http_status");
        ShopHttp.respond(exchange, status, body);
      }
    } catch (RuntimeException e) {
      // The JDK server would close the connection without an answer or a log line.
      LOG.atError().setCause(e).log("order failed");
      ShopHttp.respond(exchange, 500, Map.of("error", e.getClass().getSimpleName()));
    } finally {
      exchange.close();
    }
  }

  private Map<String, Object> place(
      String orderId, String sku, String email, String channelName, Map<String, String> query) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("order_id", orderId);
    body.put("sku", sku);
    body.put("trace_id", Span.current().getSpanContext().getTraceId());
    String result;
    int status;
    try {
      int available = checkStock(sku, query);
      if (available < 1) {
        result = "out_of_stock";
        status = 409;
      } else {
        Reserve.Reply reply =
            ClientCalls.blockingUnaryCall(
                channel,
                Reserve.METHOD,
                // Wait (within the deadline) for a channel in reconnect back-off instead of
                // failing at once: inventory may have restarted a moment ago.
                io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS)
                    .withWaitForReady(),
                new Reserve.Request(orderId, sku, 1));
        body.put("remaining", reply.remaining());
        if (!reply.reserved()) {
          result = "out_of_stock";
          status = 409;
        } else {
          boolean approved =
              authorize(
                  orderId,
                  query.getOrDefault("amount", "49.90"),
                  query.getOrDefault("card", TEST_CARD));
          body.put("payment", approved ? "approved" : "declined");
          result = approved ? "placed" : "payment_declined";
          status = approved ? 200 : 402;
        }
      }
    } catch (InventoryException | StatusRuntimeException e) {
      result = "inventory_error";
      status = 502;
      body.put("error", e.getMessage());
      LOG.atWarn().addKeyValue("order.id", orderId).setCause(e).log("inventory failed");
    } catch (PaymentException e) {
      result = "payment_error";
      status = 502;
      body.put("error", e.getMessage());
      LOG.atWarn().addKeyValue("order.id", orderId).setCause(e).log("payment failed");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result = "inventory_error";
      status = 503;
    }
    body.put("result", result);
    body.put("http_status", status);
    // tag::order-placed[]
    orders.labels(result, channelName).increment();
    if (result.equals("placed")) {
      LOG.atInfo()
          .addKeyValue("order.id", orderId)
          .addKeyValue("customer.email", email)
          .log("order placed");
    }
    // end::order-placed[]
    return body;
  }

  private int checkStock(String sku, Map<String, String> query)
      throws InventoryException, InterruptedException {
    StringBuilder uri =
        new StringBuilder(inventory.toString())
            .append("/stock/")
            .append(URLEncoder.encode(sku, StandardCharsets.UTF_8));
    char sep = '?';
    for (String passOn : new String[] {"fail", "slow"}) {
      String value = query.get(passOn);
      if (value != null) {
        uri.append(sep).append(passOn).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        sep = '&';
      }
    }
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(uri.toString())).timeout(Duration.ofSeconds(15)).build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new InventoryException(
            "inventory-service answered " + response.statusCode() + " for /stock/" + sku);
      }
      JsonNode json = ShopHttp.JSON.readTree(response.body());
      return json.path("available").asInt(0);
    } catch (IOException e) {
      throw new InventoryException("inventory-service unreachable: " + e.getMessage());
    }
  }

  /** True when payment-service approved the payment, false when it declined it. */
  private boolean authorize(String orderId, String amount, String card)
      throws PaymentException, InterruptedException {
    // The card number travels in the query, as payment-service's API takes it; obs records query
    // values redacted in both services' spans.
    URI uri =
        URI.create(
            payment
                + "/payments/authorize?order=" + URLEncoder.encode(orderId, StandardCharsets.UTF_8)
                + "&amount=" + URLEncoder.encode(amount, StandardCharsets.UTF_8)
                + "&card=" + URLEncoder.encode(card, StandardCharsets.UTF_8));
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new PaymentException("payment-service unreachable: " + e.getMessage());
    }
    if (response.statusCode() != 200) {
      throw new PaymentException(
          "payment-service answered " + response.statusCode() + " for /payments/authorize");
    }
    String decision;
    try {
      decision = ShopHttp.JSON.readTree(response.body()).path("status").asText();
    } catch (IOException e) {
      throw new PaymentException("payment-service answered no JSON: " + e.getMessage());
    }
    if (!decision.equals("approved") && !decision.equals("declined")) {
      throw new PaymentException("payment-service answered status '" + decision + "'");
    }
    return decision.equals("approved");
  }

  /** Inventory answered with an error or could not be reached. */
  private static final class InventoryException extends Exception {
    InventoryException(String message) {
      super(message);
    }
  }

  /** payment-service answered with an error or could not be reached. */
  private static final class PaymentException extends Exception {
    PaymentException(String message) {
      super(message);
    }
  }
}
