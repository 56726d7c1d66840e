// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class DecoderTest {

  @Test
  void syscallEventCarriesPathErrnoAndDuration() {
    ByteBuffer b = CannedRecords.syscall(100, 101, 257, -2, 7_853, 1, "/nonexistent/x");

    SyscallEvent e = SyscallEvent.decode(b, 0);

    assertThat(e.header().kind()).isEqualTo(EventHeader.KIND_SYSCALL);
    assertThat(e.header().tgid()).isEqualTo(100);
    assertThat(e.header().tid()).isEqualTo(101);
    assertThat(e.header().timestampNanos()).isEqualTo(1_000_000L);
    assertThat(e.header().hasTraceContext()).isFalse();
    assertThat(e.name()).isEqualTo("openat");
    assertThat(e.errno()).isEqualTo(Errno.ENOENT);
    assertThat(e.ret()).isEqualTo(-2);
    assertThat(e.durationNanos()).isEqualTo(7_853);
    assertThat(e.path()).isEqualTo("/nonexistent/x");
    assertThat(e.address()).isNull();
  }

  @Test
  void connectEventDecodesIpv4Peer() {
    ByteBuffer b = CannedRecords.syscall(100, 101, 42, -111, 80_400, 2, null);
    CannedRecords.addr(b, 80, 2, 44703, new byte[] {127, 0, 0, 1});

    SyscallEvent e = SyscallEvent.decode(b, 0);

    assertThat(e.name()).isEqualTo("connect");
    assertThat(Errno.name(e.errno())).isEqualTo("ECONNREFUSED");
    assertThat(e.path()).isNull();
    assertThat(e.address()).isNotNull();
    assertThat(e.address().hostPort()).isEqualTo("127.0.0.1:44703");
  }

  @Test
  void unixConnectHasPathAndAddress() {
    ByteBuffer b = CannedRecords.syscall(1, 1, 42, 0, 1, 2, "/run/app.sock");
    CannedRecords.addr(b, 80, 1, 0, new byte[0]);

    SyscallEvent e = SyscallEvent.decode(b, 0);

    assertThat(e.path()).isEqualTo("/run/app.sock");
    assertThat(e.address().hostPort()).isEqualTo("unix");
  }

  @Test
  void pathLengthIsClampedToTheBuffer() {
    ByteBuffer b = CannedRecords.syscall(1, 1, 257, -2, 1, 1, "a");
    b.putInt(76, 10_000);

    assertThat(SyscallEvent.decode(b, 0).path()).hasSize(255);
  }

  @Test
  void traceContextIsReadInNetworkByteOrder() {
    ByteBuffer b = CannedRecords.syscall(1, 1, 257, -2, 1, 0, null);
    b.putInt(4, EventHeader.FLAG_TRACE_CTX);
    for (int i = 0; i < 16; i++) {
      b.put(24 + i, (byte) (i + 1));
    }
    for (int i = 0; i < 8; i++) {
      b.put(40 + i, (byte) (0xa0 + i));
    }

    EventHeader h = SyscallEvent.decode(b, 0).header();

    assertThat(h.hasTraceContext()).isTrue();
    assertThat(h.traceIdHigh()).isEqualTo(0x0102030405060708L);
    assertThat(h.traceIdLow()).isEqualTo(0x090a0b0c0d0e0f10L);
    assertThat(h.spanId()).isEqualTo(0xa0a1a2a3a4a5a6a7L);
  }

  @Test
  void tcpCloseEventCarriesBytesRttAndAddresses() {
    ByteBuffer b = CannedRecords.tcp(EventHeader.KIND_TCP_CLOSE, 9, 0, 5, 7, 50242, 38467);

    TcpEvent e = TcpEvent.decode(b, 0);

    assertThat(e.header().kind()).isEqualTo(EventHeader.KIND_TCP_CLOSE);
    assertThat(e.sockCookie()).isEqualTo(77);
    assertThat(e.durationNanos()).isEqualTo(12_345);
    assertThat(e.bytesSent()).isEqualTo(1000);
    assertThat(e.bytesReceived()).isEqualTo(2000);
    assertThat(e.srttMicros()).isEqualTo(42);
    assertThat(e.totalRetrans()).isEqualTo(3);
    assertThat(TcpStates.name(e.oldState())).isEqualTo("FIN_WAIT2");
    assertThat(TcpStates.name(e.newState())).isEqualTo("CLOSE");
    assertThat(e.local().hostPort()).isEqualTo("127.0.0.1:50242");
    assertThat(e.peer().hostPort()).isEqualTo("127.0.0.1:38467");
    assertThat(e.connectFailed()).isFalse();
  }

  @Test
  void refusedConnectIsAFailedConnect() {
    ByteBuffer b = CannedRecords.tcp(EventHeader.KIND_TCP_CONNECT, 9, 111, 2, 7, 0, 80);

    TcpEvent e = TcpEvent.decode(b, 0);

    assertThat(e.connectFailed()).isTrue();
    assertThat(Errno.name(e.errno())).isEqualTo("ECONNREFUSED");
  }

  @Test
  void ipv4MappedIpv6PeerReadsAsIpv4() {
    ByteBuffer b = CannedRecords.le(24);
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 1, 2, 3};
    CannedRecords.addr(b, 0, 10, 8080, mapped);

    SockAddr a = SockAddr.decode(b, 0);

    assertThat(a.inetAddress()).isInstanceOf(Inet4Address.class);
    assertThat(a.hostPort()).isEqualTo("10.1.2.3:8080");
  }

  @Test
  void ipv6PeerIsBracketed() {
    ByteBuffer b = CannedRecords.le(24);
    byte[] loop6 = new byte[16];
    loop6[15] = 1;
    CannedRecords.addr(b, 0, 10, 443, loop6);

    assertThat(SockAddr.decode(b, 0).hostPort()).isEqualTo("[0:0:0:0:0:0:0:1]:443");
  }

  @Test
  void keysAndThreadStatsDecode() {
    ByteBuffer k = CannedRecords.le(8).putInt(0, 257).putInt(4, 2);
    assertThat(SyscallKey.decode(k, 0)).isEqualTo(new SyscallKey(257, 2));

    ByteBuffer p = CannedRecords.le(32);
    CannedRecords.addr(p, 0, 2, 80, new byte[] {10, 0, 0, 1});
    p.putInt(24, 111);
    PeerKey pk = PeerKey.decode(p, 0);
    assertThat(pk.peer().hostPort()).isEqualTo("10.0.0.1:80");
    assertThat(pk.result()).isEqualTo(111);

    ByteBuffer t = CannedRecords.le(48);
    t.putInt(0, 4242).putInt(4, 1).putLong(8, 50_000_000L).putLong(16, 1_000L);
    t.putLong(24, 5L).putLong(32, 6L).putLong(40, 7L);
    assertThat(ThreadStats.decode(t, 0))
        .isEqualTo(new ThreadStats(4242, 1, 50_000_000L, 1_000L, 5L, 6L, 7L));
    assertThat(ThreadStats.slotOffset(4242)).isEqualTo(4242 * 48);
    assertThat(ThreadStats.slotOffset(16384 + 3)).isEqualTo(3 * 48);
  }
}
