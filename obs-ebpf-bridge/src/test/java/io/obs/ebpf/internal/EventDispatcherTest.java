// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventDispatcherTest {
  private final List<Object> seen = new ArrayList<>();
  private final KernelEventListener collect =
      new KernelEventListener() {
        @Override
        public void onSyscall(SyscallEvent event) {
          seen.add(event);
        }

        @Override
        public void onTcp(TcpEvent event) {
          seen.add(event);
        }
      };

  @Test
  void batchIsDecodedInOrder() {
    ByteBuffer batch =
        CannedRecords.batch(
            CannedRecords.syscall(1, 2, 257, -2, 10, 1, "/a"),
            CannedRecords.tcp(EventHeader.KIND_TCP_CONNECT, 1, 0, 2, 1, 1, 2),
            CannedRecords.syscall(1, 2, 42, -111, 10, 0, null));
    EventDispatcher d = new EventDispatcher(collect);

    int n = d.dispatch(batch, batch.capacity());

    assertThat(n).isEqualTo(3);
    assertThat(seen).hasSize(3);
    assertThat(((SyscallEvent) seen.get(0)).path()).isEqualTo("/a");
    assertThat(seen.get(1)).isInstanceOf(TcpEvent.class);
    assertThat(((SyscallEvent) seen.get(2)).name()).isEqualTo("connect");
    assertThat(d.events()).isEqualTo(3);
    assertThat(d.malformed()).isZero();
  }

  @Test
  void unknownKindAndShortRecordsAreCountedAndSkipped() {
    ByteBuffer unknown = CannedRecords.le(48).putInt(0, 99);
    ByteBuffer shortSyscall = CannedRecords.le(100).putInt(0, EventHeader.KIND_SYSCALL);
    ByteBuffer batch =
        CannedRecords.batch(
            unknown, shortSyscall, CannedRecords.tcp(EventHeader.KIND_TCP_CLOSE, 1, 0, 1, 7, 1, 2));
    EventDispatcher d = new EventDispatcher(collect);

    d.dispatch(batch, batch.capacity());

    assertThat(seen).hasSize(1);
    assertThat(d.malformed()).isEqualTo(2);
  }

  @Test
  void truncatedFrameStopsTheBatch() {
    ByteBuffer batch = CannedRecords.batch(CannedRecords.syscall(1, 2, 257, -2, 10, 1, "/a"));
    batch.putInt(0, 100_000);
    EventDispatcher d = new EventDispatcher(collect);

    assertThat(d.dispatch(batch, batch.capacity())).isZero();
    assertThat(d.malformed()).isEqualTo(1);
  }

  @Test
  void listenerFailureIsCountedAndTheBatchGoesOn() {
    EventDispatcher d =
        new EventDispatcher(
            new KernelEventListener() {
              @Override
              public void onSyscall(SyscallEvent event) {
                throw new IllegalStateException("boom");
              }

              @Override
              public void onTcp(TcpEvent event) {
                seen.add(event);
              }
            });
    ByteBuffer batch =
        CannedRecords.batch(
            CannedRecords.syscall(1, 2, 257, -2, 10, 1, "/a"),
            CannedRecords.tcp(EventHeader.KIND_TCP_RETRANSMIT, 1, 0, 1, 1, 1, 2));

    d.dispatch(batch, batch.capacity());

    assertThat(d.listenerFailures()).isEqualTo(1);
    assertThat(seen).hasSize(1);
  }
}
