// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Stamped kernel events to spans, without a kernel: the decoded records are built by hand. */
class KernelTelemetryTest {
  private static final long TRACE_HI = 0x0af7651916cd43ddL;
  private static final long TRACE_LO = 0x8448eb211c80319cL;
  private static final long SPAN = 0xb7ad6b7169203331L;

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final SdkTracerProvider provider =
      SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();

  @AfterEach
  void close() {
    provider.close();
  }

  private KernelTelemetry telemetry(int maxPerSecond) {
    return new KernelTelemetry(provider.get("io.obs.ebpf"), false, maxPerSecond);
  }

  private static EventHeader header(int kind, boolean stamped, long ts) {
    return new EventHeader(
        kind,
        stamped ? EventHeader.FLAG_TRACE_CTX : 0,
        ts,
        100,
        101,
        stamped ? TRACE_HI : 0,
        stamped ? TRACE_LO : 0,
        stamped ? SPAN : 0);
  }

  private static SyscallEvent missingFile(boolean stamped, long ts) {
    return new SyscallEvent(
        header(EventHeader.KIND_SYSCALL, stamped, ts),
        15_000,
        -2,
        Syscalls.number("openat").getAsInt(),
        Errno.ENOENT,
        "/etc/missing.yaml",
        null);
  }

  @Test
  void aStampedFailingOpenatBecomesAChildOfTheStampedSpanOnTheWallClock() {
    KernelTelemetry t = telemetry(100);
    long ts = System.nanoTime();
    long wallAtTs = System.currentTimeMillis() * 1_000_000L;
    long before = t.toEpochNanos(ts);
    t.onSyscall(missingFile(true, ts));

    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertThat(spans).hasSize(1);
    SpanData s = spans.get(0);
    assertThat(s.getName()).isEqualTo("syscall.openat");
    assertThat(s.getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(s.getParentSpanId()).isEqualTo("b7ad6b7169203331");
    assertThat(s.getAttributes().get(KernelTelemetry.FILE_PATH)).isEqualTo("/etc/missing.yaml");
    assertThat(s.getAttributes().get(KernelTelemetry.ERROR_TYPE)).isEqualTo("ENOENT");
    assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(s.getStartEpochNanos()).isEqualTo(before);
    assertThat(s.getEndEpochNanos() - s.getStartEpochNanos()).isEqualTo(15_000);
    // The offset maps CLOCK_MONOTONIC onto the wall clock (currentTimeMillis has 1 ms steps).
    assertThat(s.getStartEpochNanos()).isBetween(wallAtTs - 3_000_000L, wallAtTs + 3_000_000L);
  }

  @Test
  void aStampedCloseOfAnActiveOpenBecomesATcpConnectionChildWithItsTraffic() {
    KernelTelemetry t = telemetry(100);
    long ts = System.nanoTime();
    SockAddr local = new SockAddr(SockAddr.AF_INET, 40000, 0, v4(127, 0, 0, 1));
    SockAddr peer = new SockAddr(SockAddr.AF_INET, 8080, 0, v4(127, 0, 0, 1));
    t.onTcp(
        new TcpEvent(
            header(EventHeader.KIND_TCP_CLOSE, true, ts), 7, 2_000_000, 1_002, 5_001, 40, 3, 0,
            TcpStates.ESTABLISHED, TcpStates.CLOSE, local, peer));
    t.onTcp(
        new TcpEvent(
            header(EventHeader.KIND_TCP_CLOSE, false, ts), 8, 2_000_000, 9, 9, 40, 0, 0,
            TcpStates.ESTABLISHED, TcpStates.CLOSE, local, peer));

    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertThat(spans).as("only the stamped close").hasSize(1);
    SpanData s = spans.get(0);
    assertThat(s.getName()).isEqualTo("tcp.connection");
    assertThat(s.getParentSpanId()).isEqualTo("b7ad6b7169203331");
    assertThat(s.getAttributes().get(KernelTelemetry.BYTES_SENT)).isEqualTo(1_002L);
    assertThat(s.getAttributes().get(KernelTelemetry.BYTES_RECEIVED)).isEqualTo(5_001L);
    assertThat(s.getAttributes().get(KernelTelemetry.RETRANSMITS)).isEqualTo(3L);
    assertThat(s.getAttributes().get(KernelTelemetry.RTT)).isEqualTo(40e-6);
    assertThat(s.getAttributes().get(KernelTelemetry.PEER_PORT)).isEqualTo(8080L);
    assertThat(s.getEndEpochNanos() - s.getStartEpochNanos()).isEqualTo(2_000_000L);
  }

  private static byte[] v4(int a, int b, int c, int d) {
    byte[] addr = new byte[16];
    addr[0] = (byte) a;
    addr[1] = (byte) b;
    addr[2] = (byte) c;
    addr[3] = (byte) d;
    return addr;
  }

  @Test
  void unstampedEventsProduceNoSpans() {
    KernelTelemetry t = telemetry(100);
    t.onSyscall(missingFile(false, System.nanoTime()));
    assertThat(exporter.getFinishedSpanItems()).isEmpty();
    assertThat(t.spans()).isZero();
  }

  @Test
  void spansBeyondThePerSecondCapAreSuppressedAndCounted() {
    KernelTelemetry t = telemetry(2);
    for (int i = 0; i < 5; i++) {
      t.onSyscall(missingFile(true, System.nanoTime()));
    }
    assertThat(exporter.getFinishedSpanItems()).hasSize(2);
    assertThat(t.spans()).isEqualTo(2);
    assertThat(t.suppressed()).isEqualTo(3);
  }

  @Test
  void aRefusedConnectBecomesATcpConnectClientSpanWithThePeer() {
    KernelTelemetry t = telemetry(100);
    byte[] loopback = new byte[16];
    loopback[0] = 127;
    loopback[3] = 1;
    SockAddr peer = new SockAddr(SockAddr.AF_INET, 5432, 0, loopback);
    SockAddr local = new SockAddr(SockAddr.AF_INET, 40000, 0, loopback);
    t.onTcp(
        new TcpEvent(
            header(EventHeader.KIND_TCP_CONNECT, true, System.nanoTime()),
            1, 40_000, 0, 0, 0, 0, Errno.ECONNREFUSED, 2, 7, local, peer));

    SpanData s = exporter.getFinishedSpanItems().get(0);
    assertThat(s.getName()).isEqualTo("tcp.connect");
    assertThat(s.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(s.getParentSpanId()).isEqualTo("b7ad6b7169203331");
    assertThat(s.getAttributes().get(KernelTelemetry.PEER_ADDRESS)).isEqualTo("127.0.0.1");
    assertThat(s.getAttributes().get(KernelTelemetry.PEER_PORT)).isEqualTo(5432L);
    assertThat(s.getAttributes().get(KernelTelemetry.ERROR_TYPE)).isEqualTo("ECONNREFUSED");
    assertThat(s.getAttributes().get(KernelTelemetry.CONNECT_RESULT)).isEqualTo("ECONNREFUSED");
  }

  @Test
  void acceptsAndRetransmitEventsProduceNoSpans() {
    KernelTelemetry t = telemetry(100);
    SockAddr any = new SockAddr(SockAddr.AF_INET, 1, 0, new byte[16]);
    for (int kind : new int[] {EventHeader.KIND_TCP_ACCEPT, EventHeader.KIND_TCP_RETRANSMIT}) {
      t.onTcp(
          new TcpEvent(
              header(kind, true, System.nanoTime()), 1, 40_000, 0, 0, 0, 0, 0, 1, 7, any, any));
    }
    assertThat(exporter.getFinishedSpanItems()).isEmpty();
  }
}
