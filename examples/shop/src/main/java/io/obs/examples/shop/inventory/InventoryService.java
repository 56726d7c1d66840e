// SPDX-License-Identifier: Apache-2.0
package io.obs.examples.shop.inventory;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.obs.Observability;
import io.obs.examples.shop.ShopHttp;
import io.obs.examples.shop.StopSignal;
import io.obs.tracing.grpc.GrpcTracing;
import io.obs.examples.shop.grpc.Reserve;
import io.obs.tracing.Spans;
import io.obs.tracing.http.ObsHttpServerFilter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * inventory-service: {@code GET /stock/{sku}} over HTTP (port {@code INVENTORY_PORT}, default
 * 8081) and {@code shop.Inventory/Reserve} over gRPC ({@code INVENTORY_GRPC_PORT}, default 9090).
 * {@code ?fail=true} answers 503 and {@code ?slow=<ms>} waits before answering, so the demo can
 * show an error trace and a latency spike on demand.
 */
public final class InventoryService {

  private static final Logger LOG = LoggerFactory.getLogger(InventoryService.class);
  private static final int RESTOCK_TO = 100;
  private static final long MAX_SLOW_MS = 10_000;

  private final Map<String, Integer> stock = new ConcurrentHashMap<>();

  private InventoryService() {}

  public static void main(String[] args) throws Exception {
    Observability obs = Observability.init();
    StopSignal stop = StopSignal.install();
    InventoryService inventory = new InventoryService();
    GrpcTracing grpcTracing = GrpcTracing.create(obs);

    int httpPort = ShopHttp.envInt("INVENTORY_PORT", 8081);
    int grpcPort = ShopHttp.envInt("INVENTORY_GRPC_PORT", 9090);

    // gRPC first: the launcher (and any health check) treats the open HTTP port as "ready", so
    // by then every port the order service calls must already accept connections.
    ServerServiceDefinition service =
        ServerServiceDefinition.builder(Reserve.SERVICE)
            .addMethod(Reserve.METHOD, ServerCalls.asyncUnaryCall(inventory::reserve))
            .build();
    Server grpc =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", grpcPort))
            .addService(ServerInterceptors.intercept(service, grpcTracing.serverInterceptor()))
            .build()
            .start();

    ExecutorService workers = Executors.newFixedThreadPool(8);
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", httpPort), 64);
    http.setExecutor(workers);
    http.createContext("/stock/", inventory::stock)
        .getFilters()
        .add(ObsHttpServerFilter.builder(obs).setRoutes("/stock/{sku}").build());
    http.start();

    LOG.atInfo()
        .addKeyValue("http.port", http.getAddress().getPort())
        .addKeyValue("grpc.port", grpc.getPort())
        .log("inventory-service started");

    stop.await();
    LOG.atInfo().addKeyValue("reason", stop.reason()).log("inventory-service stopping");
    grpc.shutdown();
    http.stop(1);
    workers.shutdown();
    grpc.awaitTermination(5, TimeUnit.SECONDS);
    workers.awaitTermination(5, TimeUnit.SECONDS);
    obs.close();
    System.exit(0);
  }

  private void stock(HttpExchange exchange) throws IOException {
    // Closed in finally rather than by try-with-resources: the catch blocks still answer on it.
    try {
      String sku = ShopHttp.lastSegment(exchange);
      Map<String, String> query = ShopHttp.query(exchange);
      long slowMs = Math.min(MAX_SLOW_MS, Long.parseLong(query.getOrDefault("slow", "0")));
      if (slowMs > 0) {
        // A child span makes the injected latency visible as its own bar in the trace.
        Spans.run("warehouse-lookup", () -> Thread.sleep(slowMs));
      }
      if (Boolean.parseBoolean(query.get("fail"))) {
        LOG.atError().addKeyValue("sku", sku).log("warehouse unavailable");
        ShopHttp.respond(exchange, 503, Map.of("error", "warehouse unavailable", "sku", sku));
        return;
      }
      int available = stock.computeIfAbsent(sku, s -> RESTOCK_TO);
      LOG.atInfo().addKeyValue("sku", sku).addKeyValue("available", available).log("stock checked");
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("sku", sku);
      body.put("available", available);
      ShopHttp.respond(exchange, 200, body);
    } catch (NumberFormatException e) {
      ShopHttp.respond(exchange, 400, Map.of("error", "slow must be a number of milliseconds"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ShopHttp.respond(exchange, 503, Map.of("error", "interrupted"));
    } catch (RuntimeException e) {
      // The JDK server would close the connection without an answer or a log line.
      LOG.atError().setCause(e).log("stock check failed");
      ShopHttp.respond(exchange, 500, Map.of("error", e.getClass().getSimpleName()));
    } finally {
      exchange.close();
    }
  }

  private void reserve(
      Reserve.Request request, io.grpc.stub.StreamObserver<Reserve.Reply> responses) {
    if (request.quantity() < 1) {
      responses.onError(
          Status.INVALID_ARGUMENT.withDescription("quantity must be positive").asException());
      return;
    }
    int[] remaining = new int[1];
    boolean[] reserved = new boolean[1];
    stock.compute(
        request.sku(),
        (sku, current) -> {
          int have = current == null ? RESTOCK_TO : current;
          reserved[0] = have >= request.quantity();
          int left = reserved[0] ? have - request.quantity() : have;
          // Restock when low so the demo can run for hours without selling out.
          remaining[0] = left < 5 ? RESTOCK_TO : left;
          return remaining[0];
        });
    LOG.atInfo()
        .addKeyValue("order.id", request.orderId())
        .addKeyValue("sku", request.sku())
        .addKeyValue("reserved", reserved[0])
        .log("stock reserved");
    responses.onNext(new Reserve.Reply(reserved[0], remaining[0]));
    responses.onCompleted();
  }
}
