// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing;

import io.opentelemetry.context.Context;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * Carries the current trace context (span, baggage, request id) across thread hops. OpenTelemetry
 * keeps the context in a thread local, so a task handed to another thread starts with an empty
 * one unless it is wrapped:
 *
 * <pre>{@code
 * ExecutorService pool = ContextPropagation.wrap(Executors.newFixedThreadPool(8));
 * CompletableFuture<Quote> quote = ContextPropagation.supplyAsync(() -> pricing.quote(id), pool);
 * }</pre>
 *
 * <p>Each task runs in the context that was current when it was submitted. The same applies to
 * virtual threads on Java 21+: wrap {@code Executors.newVirtualThreadPerTaskExecutor()} with
 * {@link #wrap(ExecutorService)}, or start them with {@code Context.current().wrap(runnable)}.
 *
 * @since 0.1.0
 */
public final class ContextPropagation {

  private ContextPropagation() {}

  /** An executor whose tasks run in the context current at submission. */
  public static Executor wrap(Executor executor) {
    return Context.taskWrapping(Objects.requireNonNull(executor, "executor"));
  }

  /** An executor service whose tasks run in the context current at submission. */
  public static ExecutorService wrap(ExecutorService executor) {
    return Context.taskWrapping(Objects.requireNonNull(executor, "executor"));
  }

  /** A scheduled executor whose tasks run in the context current at scheduling. */
  public static ScheduledExecutorService wrap(ScheduledExecutorService executor) {
    return Context.taskWrapping(Objects.requireNonNull(executor, "executor"));
  }

  /** {@link CompletableFuture#supplyAsync} that keeps the current context. */
  public static <T> CompletableFuture<T> supplyAsync(Supplier<T> supplier, Executor executor) {
    return CompletableFuture.supplyAsync(Context.current().wrapSupplier(supplier), executor);
  }

  /** {@link CompletableFuture#runAsync} that keeps the current context. */
  public static CompletableFuture<Void> runAsync(Runnable runnable, Executor executor) {
    return CompletableFuture.runAsync(Context.current().wrap(runnable), executor);
  }

  /** {@link CompletableFuture#supplyAsync} on the common pool that keeps the current context. */
  public static <T> CompletableFuture<T> supplyAsync(Supplier<T> supplier) {
    return CompletableFuture.supplyAsync(Context.current().wrapSupplier(supplier));
  }

  /** {@link CompletableFuture#runAsync} on the common pool that keeps the current context. */
  public static CompletableFuture<Void> runAsync(Runnable runnable) {
    return CompletableFuture.runAsync(Context.current().wrap(runnable));
  }
}
