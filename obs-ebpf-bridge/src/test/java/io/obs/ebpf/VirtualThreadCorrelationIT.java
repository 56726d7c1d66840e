// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.obs.Observability;
import io.obs.ebpf.internal.ContextPublisher;

import io.obs.ebpf.internal.KernelTestSupport;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Virtual threads (Java 21+; the virtual-threads profile runs this on Temurin 25): a virtual
 * thread's span is never published, so no kernel event is ever attributed to the span of another
 * virtual thread sharing its carrier. A platform thread in the same run still gets its child span,
 * which proves the kernel side was live. Skipped with the reason on Java 17.
 */
@Timeout(120)
class VirtualThreadCorrelationIT {
  private static final AttributeKey<String> FILE_PATH = AttributeKey.stringKey("file.path");
  private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
  private static Observability obs;

  @BeforeAll
  static void start() {
    KernelTestSupport.assumeKernelAccess();
    boolean virtual = Runtime.version().feature() >= 21;
    if (!virtual) {
      System.out.println(
          "[obs-ebpf] virtual-thread test skipped: Java " + Runtime.version() + " has none");
    }
    assumeTrue(virtual, "no virtual threads before Java 21");
    obs =
        KernelTestSupport.bridgeOnly(
                "service:\n  name: ebpf-vthread-it\nebpf:\n  enabled: true\n  poll_interval: 20ms\n"
                    + "  programs:\n    syscalls: true\n")
            .addSpanExporter(SPANS)
            .build();
    assertThat(ContextPublisher.isWrapped()).isTrue();
    assertThat(ContextPublisher.isEnabled()).isTrue();
  }

  @AfterAll
  static void stop() {
    if (obs != null) {
      Observability.shutdown();
    }
  }

  @Test
  void noKernelEventIsAttributedToTheSpanOfAnotherVirtualThread() throws Exception {
    Tracer tracer = obs.tracer("vthread-it");
    String run = UUID.randomUUID().toString();
    int tasks = 64;
    Map<String, SpanContext> spanOfPath = new ConcurrentHashMap<>();
    CountDownLatch allCurrent = new CountDownLatch(tasks);
    List<Future<?>> futures = new ArrayList<>();
    ExecutorService vts = newVirtualThreadPerTaskExecutor();
    try {
      for (int i = 0; i < tasks; i++) {
        String path = "/tmp/obs-ebpf-vthread-" + run + "-" + i;
        futures.add(
            vts.submit(
                () -> {
                  Span span = tracer.spanBuilder("vt-work").startSpan();
                  try (Scope ignored = span.makeCurrent()) {
                    spanOfPath.put(path, span.getSpanContext());
                    allCurrent.countDown();
                    allCurrent.await(10, TimeUnit.SECONDS);
                    Thread.sleep(1); // unmount and remount, maybe on another carrier
                    openMissing(path);
                    Thread.sleep(1);
                    openMissing(path);
                  } finally {
                    span.end();
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      vts.shutdown();
      assertThat(vts.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
    // A platform thread in its own span: its child proves the kernel stamps events in this run.
    Span platform = tracer.spanBuilder("platform-work").startSpan();
    try (Scope ignored = platform.makeCurrent()) {
      openMissing("/tmp/obs-ebpf-vthread-platform-" + run);
    } finally {
      platform.end();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline && kernelSpans(run).stream()
        .noneMatch(s -> s.getParentSpanId().equals(platform.getSpanContext().getSpanId()))) {
      flush();
      Thread.sleep(25);
    }
    List<SpanData> children = kernelSpans(run);
    assertThat(children)
        .as("the platform thread's child")
        .anyMatch(s -> s.getParentSpanId().equals(platform.getSpanContext().getSpanId()));
    for (SpanData child : children) {
      String path = child.getAttributes().get(FILE_PATH);
      SpanContext own = spanOfPath.get(path);
      if (own != null) {
        assertThat(child.getParentSpanId()).as("parent of %s", path).isEqualTo(own.getSpanId());
      }
    }
    long attributedToVirtual =
        children.stream().filter(s -> spanOfPath.containsKey(s.getAttributes().get(FILE_PATH))).count();
    System.out.println(
        "[obs-ebpf] virtual threads: "
            + tasks
            + " spans, "
            + attributedToVirtual
            + " kernel children attributed to them (virtual threads publish nothing)");
  }

  private static List<SpanData> kernelSpans(String run) {
    flush();
    return SPANS.getFinishedSpanItems().stream()
        .filter(s -> String.valueOf(s.getAttributes().get(FILE_PATH)).contains(run))
        .toList();
  }

  private static void flush() {
    if (obs.openTelemetry() instanceof OpenTelemetrySdk sdk) {
      sdk.getSdkTracerProvider().forceFlush().join(5, TimeUnit.SECONDS);
    }
  }

  private static ExecutorService newVirtualThreadPerTaskExecutor() throws Exception {
    // Compiled for Java 17: reach the Java 21 API reflectively.
    return (ExecutorService)
        Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
  }

  private static void openMissing(String path) throws IOException {
    try {
      Files.newInputStream(Path.of(path)).close();
    } catch (NoSuchFileException expected) {
      return;
    }
    throw new AssertionError(path + " exists");
  }
}
