// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.obs.Observability;
import io.obs.ebpf.internal.KernelTestSupport;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A program that does its work and closes obs in the next statement (a batch job, a CLI, a test)
 * still gets the kernel's view of that work: the events left in the ring buffer become spans
 * before the final flush. The poll interval is a minute here, so only the drain at close can
 * deliver them.
 */
class CloseRightAfterWorkIT {

  @Test
  void theLastMomentsKernelEventsAreDeliveredWhenObsClosesAtOnce() throws Exception {
    KernelTestSupport.assumeKernelAccess();
    // InMemorySpanExporter forgets its spans at shutdown; this keeps them.
    List<SpanData> finished = new CopyOnWriteArrayList<>();
    SpanExporter spans = new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> batch) {
        finished.addAll(batch);
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
      }
    };
    InMemoryMetricReader metrics = InMemoryMetricReader.create();
    Observability obs = KernelTestSupport.bridgeOnly(
            "service:\n  name: close-right-after\nebpf:\n  enabled: true\n  poll_interval: 60s\n")
        .addSpanExporter(spans)
        .addMetricReader(metrics)
        .build();
    EbpfBridge bridge = obs.component(EbpfBridge.class).orElseThrow();
    assertThat(bridge.awaitLoaded(Duration.ofSeconds(30))).isTrue();
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }

    Span job = obs.tracer("batch").spanBuilder("job").startSpan();
    try (Scope ignored = job.makeCurrent()) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        throw new AssertionError("connected to a closed port " + port);
      } catch (ConnectException expected) {
        // ECONNREFUSED: a tcp.connect event waits in the ring buffer
      }
    } finally {
      job.end();
    }
    obs.close();

    assertThat(finished)
        .filteredOn(s -> s.getName().equals("tcp.connect")
            && s.getParentSpanId().equals(job.getSpanContext().getSpanId()))
        .as("kernel spans delivered at close: %s", finished)
        .hasSize(1);
  }

}
