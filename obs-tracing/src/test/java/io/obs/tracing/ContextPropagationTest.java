// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.obs.RequestContext;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ContextPropagationTest {

  private final ExecutorService raw = Executors.newFixedThreadPool(2);

  @AfterEach
  void stop() {
    raw.shutdownNow();
  }

  private static Context requestContext() {
    SpanContext span = SpanContext.create(IdGenerator.random().generateTraceId(),
        IdGenerator.random().generateSpanId(), TraceFlags.getSampled(), TraceState.getDefault());
    return RequestContext.withRequestId(
        Context.root().with(Span.wrap(span)).with(Baggage.builder().put("tenant-id", "acme").build()),
        "req-7");
  }

  private static String seen() {
    return Span.current().getSpanContext().getSpanId() + "|" + Baggage.current().getEntryValue("tenant-id")
        + "|" + RequestContext.requestId().orElse("none");
  }

  @Test
  void wrappedExecutorServiceRunsTasksInTheSubmittersContext() throws Exception {
    ExecutorService pool = ContextPropagation.wrap(raw);
    Context context = requestContext();
    String expected = Span.fromContext(context).getSpanContext().getSpanId() + "|acme|req-7";
    try (Scope ignored = context.makeCurrent()) {
      assertThat(pool.submit(ContextPropagationTest::seen).get(5, TimeUnit.SECONDS)).isEqualTo(expected);
      CompletableFuture<String> viaExecutor = new CompletableFuture<>();
      ContextPropagation.wrap((java.util.concurrent.Executor) raw).execute(() -> viaExecutor.complete(seen()));
      assertThat(viaExecutor.get(5, TimeUnit.SECONDS)).isEqualTo(expected);
    }
    // The unwrapped pool shows the difference this makes.
    try (Scope ignored = context.makeCurrent()) {
      assertThat(raw.submit(ContextPropagationTest::seen).get(5, TimeUnit.SECONDS))
          .isEqualTo("0000000000000000|null|none");
    }
  }

  @Test
  void completableFutureHelpersKeepTheContext() throws Exception {
    Context context = requestContext();
    String expected = Span.fromContext(context).getSpanContext().getSpanId() + "|acme|req-7";
    try (Scope ignored = context.makeCurrent()) {
      assertThat(ContextPropagation.supplyAsync(ContextPropagationTest::seen, raw).get(5, TimeUnit.SECONDS))
          .isEqualTo(expected);
      assertThat(ContextPropagation.supplyAsync(ContextPropagationTest::seen).get(5, TimeUnit.SECONDS))
          .isEqualTo(expected);
      String[] box = new String[1];
      ContextPropagation.runAsync(() -> box[0] = seen(), raw).get(5, TimeUnit.SECONDS);
      assertThat(box[0]).isEqualTo(expected);
    }
  }

  @Test
  void virtualThreadsKeepTheContextOnJava21() throws Exception {
    assumeTrue(Runtime.version().feature() >= 21, "virtual threads need Java 21+; this JVM is "
        + Runtime.version());
    ExecutorService virtual = (ExecutorService) Executors.class
        .getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    try (Scope ignored = requestContext().makeCurrent()) {
      String expected = seen();
      assertThat(ContextPropagation.wrap(virtual).submit(ContextPropagationTest::seen).get(5, TimeUnit.SECONDS))
          .isEqualTo(expected);
    } finally {
      virtual.shutdownNow();
    }
  }
}
