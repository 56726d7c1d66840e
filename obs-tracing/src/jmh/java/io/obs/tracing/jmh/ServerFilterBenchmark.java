// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.jmh;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.obs.Observability;
import io.obs.tracing.http.ObsHttpServerFilter;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One request through the JDK server's filter chain, in memory: the handler alone ({@code
 * baseline}) versus behind {@link ObsHttpServerFilter} (extract, request id, server span, route,
 * duration histogram and active-requests counter). The difference is the filter's cost per request.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ServerFilterBenchmark {

  private static final HttpHandler HANDLER = exchange -> {
    exchange.sendResponseHeaders(200, 2);
    exchange.getResponseBody().write('o');
    exchange.close();
  };

  private Observability obs;
  private Filter filter;
  private final FakeExchange exchange = new FakeExchange();

  @Setup(Level.Trial)
  public void setUp() {
    obs = ObsBench.start(Map.of());
    filter = ObsHttpServerFilter.builder(obs).setRoutes("/orders/{id}").build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    obs.close();
  }

  @Benchmark
  public HttpExchange baseline() throws IOException {
    exchange.reset();
    new Filter.Chain(List.of(), HANDLER).doFilter(exchange);
    return exchange;
  }

  @Benchmark
  public HttpExchange withFilter() throws IOException {
    exchange.reset();
    new Filter.Chain(List.of(filter), HANDLER).doFilter(exchange);
    return exchange;
  }
}
