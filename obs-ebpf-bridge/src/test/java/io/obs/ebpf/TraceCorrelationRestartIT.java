// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.obs.Observability;
import io.obs.ebpf.internal.ContextPublisher;

import io.obs.ebpf.internal.KernelTestSupport;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Shutdown and a second init in one JVM: publishing stops with the session and starts again with
 * the next one, and a record left over from the first session is never used by the second.
 */
@Timeout(120)
class TraceCorrelationRestartIT {
  static {
    // The other ITs run on OpenTelemetry's default storage, which the bridge's wrapper replaces;
    // this one keeps opentelemetry-sdk-testing's storage under the wrapper, so the path for a
    // storage that another party provides (or another wrapper added earlier) is covered too.
    System.clearProperty("io.opentelemetry.context.contextStorageProvider");
  }

  private static final AttributeKey<String> FILE_PATH = AttributeKey.stringKey("file.path");
  // A shut-down exporter drops everything: one per session.
  private InMemorySpanExporter spans = InMemorySpanExporter.create();

  @AfterEach
  void stop() {
    Observability.shutdown();
  }

  private Observability start() {
    spans = InMemorySpanExporter.create();
    return KernelTestSupport.bridgeOnly(
            "service:\n  name: ebpf-restart-it\nebpf:\n  enabled: true\n  poll_interval: 20ms\n"
                + "  programs:\n    syscalls: true\n")
        .addSpanExporter(spans)
        .build();
  }

  @Test
  void aSecondSessionNeverUsesARecordLeftFromTheFirst() throws Exception {
    KernelTestSupport.assumeKernelAccess();
    String run = UUID.randomUUID().toString();

    Observability first = start();
    Span a1 = first.tracer("restart").spanBuilder("first").startSpan();
    Scope left = a1.makeCurrent(); // stays open across the restart: its record stays published
    openMissing("/tmp/obs-ebpf-restart-1-" + run);
    assertThat(await(first, "restart-1-" + run)).map(SpanData::getParentSpanId)
        .contains(a1.getSpanContext().getSpanId());
    Observability.shutdown();
    assertThat(ContextPublisher.isEnabled()).isFalse();

    Observability second = start();
    assertThat(ContextPublisher.isEnabled()).isTrue();
    // Still inside a1's scope, but this thread has not made a context current since the restart.
    openMissing("/tmp/obs-ebpf-restart-2-" + run);
    Span c = second.tracer("restart").spanBuilder("second").startSpan();
    try (Scope s = c.makeCurrent()) {
      openMissing("/tmp/obs-ebpf-restart-3-" + run);
    } finally {
      c.end();
    }
    assertThat(await(second, "restart-3-" + run)).map(SpanData::getParentSpanId)
        .contains(c.getSpanContext().getSpanId());
    Optional<SpanData> stale = find(second, "restart-2-" + run);
    // Either no context (the record was not used) or - never - the first session's span.
    assertThat(stale.map(SpanData::getParentSpanId)).isNotEqualTo(Optional.of(a1.getSpanContext().getSpanId()));
    left.close();
    a1.end();
  }

  private Optional<SpanData> await(Observability obs, String marker) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Optional<SpanData> found = find(obs, marker);
    while (found.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(25);
      found = find(obs, marker);
    }
    return found;
  }

  private Optional<SpanData> find(Observability obs, String marker) {
    if (obs.openTelemetry() instanceof OpenTelemetrySdk sdk) {
      sdk.getSdkTracerProvider().forceFlush().join(5, TimeUnit.SECONDS);
    }
    return spans.getFinishedSpanItems().stream()
        .filter(s -> String.valueOf(s.getAttributes().get(FILE_PATH)).endsWith(marker))
        .findFirst();
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
