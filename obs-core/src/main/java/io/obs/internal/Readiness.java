// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import io.obs.server.ReadinessCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Internal: not for use outside obs. The readiness checks of one running obs (start-up, each
 * module's), run together under one deadline. The endpoint server answers {@code /readyz} from
 * it, and a framework's health endpoint (Spring Boot's {@code /actuator/health}) reads the same
 * checks, whether or not obs's own server runs.
 */
public final class Readiness {

  /** One check's outcome, named. */
  public record Outcome(String name, ReadinessCheck.Result result) {}

  /** All outcomes of one evaluation; ready when every check is. */
  public record Report(List<Outcome> outcomes) {
    public Report {
      outcomes = List.copyOf(outcomes);
    }

    public boolean ready() {
      for (Outcome outcome : outcomes) {
        if (!outcome.result().ready()) {
          return false;
        }
      }
      return true;
    }
  }

  private final Map<String, ReadinessCheck> checks = new LinkedHashMap<>();
  private volatile ExecutorService runner; // made on first evaluation; most processes never ask

  Readiness() {}

  /**
   * Adds a check under a unique name.
   *
   * @throws IllegalStateException when the name is taken
   */
  public void add(String name, ReadinessCheck check) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(check, "check");
    synchronized (checks) {
      if (checks.putIfAbsent(name, check) != null) {
        throw new IllegalStateException("readiness check " + name + " is already registered");
      }
    }
  }

  /**
   * Runs every check concurrently; one that throws, or has not answered when {@code timeout} has
   * passed, is not ready.
   */
  public Report evaluate(Duration timeout) {
    Map<String, ReadinessCheck> current;
    synchronized (checks) {
      current = new LinkedHashMap<>(checks);
    }
    ExecutorService executor = runner();
    Map<String, CompletableFuture<ReadinessCheck.Result>> running = new LinkedHashMap<>();
    current.forEach((name, check) -> running.put(name, CompletableFuture.supplyAsync(() -> {
      try {
        return check.check();
      } catch (Exception e) {
        return ReadinessCheck.Result.notReady("check failed: " + e);
      }
    }, executor)));
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Outcome> outcomes = new ArrayList<>();
    for (Map.Entry<String, CompletableFuture<ReadinessCheck.Result>> entry : running.entrySet()) {
      ReadinessCheck.Result result;
      try {
        result = entry.getValue().get(Math.max(0, deadline - System.nanoTime()),
            TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        entry.getValue().cancel(true);
        result = ReadinessCheck.Result.notReady("timed out after " + timeout.toMillis() + " ms");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        result = ReadinessCheck.Result.notReady("interrupted");
      } catch (ExecutionException e) {
        result = ReadinessCheck.Result.notReady("check failed: " + e.getCause());
      }
      outcomes.add(new Outcome(entry.getKey(), result));
    }
    return new Report(outcomes);
  }

  private ExecutorService runner() {
    ExecutorService executor = runner;
    if (executor == null) {
      synchronized (checks) {
        executor = runner;
        if (executor == null) {
          AtomicInteger counter = new AtomicInteger();
          executor = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "obs-readiness-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
          });
          runner = executor;
        }
      }
    }
    return executor;
  }

  void close() {
    ExecutorService executor = runner;
    if (executor != null) {
      executor.shutdownNow();
    }
  }
}
