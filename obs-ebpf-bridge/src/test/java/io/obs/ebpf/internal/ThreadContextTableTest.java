// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The seqlock record writer, on an ordinary direct buffer with the map's geometry. */
class ThreadContextTableTest {
  private final ThreadContextTable table =
      new ThreadContextTable(ByteBuffer.allocateDirect(ThreadStats.SLOTS * ThreadContextTable.SIZE));

  private static byte[] ids(String traceId, String spanId) {
    return (traceId + spanId).getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void aWrittenRecordReadsBackAsTheKernelSeesItWithAnEvenSequence() {
    int off = ThreadContextTable.slotOffset(4242);
    int seq = table.claim(off, 4242, 1);
    assertThat(seq % 2).isZero();
    assertThat(table.read(off)).isEqualTo(new ThreadContextTable.Record(4242, null, null));

    int next =
        table.write(off, seq, ids("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"), false);
    assertThat(next).isEqualTo(seq + 2);
    assertThat(table.seq(off)).isEqualTo(next);
    assertThat(table.read(off))
        .isEqualTo(
            new ThreadContextTable.Record(4242, "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"));

    table.setFlags(off, false, false);
    assertThat(table.read(off).spanId()).as("no span published").isNull();
  }

  @Test
  void aChildGoesIntoTheOtherIdSetAndTheParentComesBackWithOneStoreOfTheFlags() {
    int off = ThreadContextTable.slotOffset(77);
    int seq = table.claim(off, 77, 1);
    seq = table.write(off, seq, ids("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"), false);
    seq = table.write(off, seq, ids("0af7651916cd43dd8448eb211c80319c", "00f067aa0ba902b7"), true);
    assertThat(table.read(off).spanId()).as("the child").isEqualTo("00f067aa0ba902b7");

    table.setFlags(off, true, false);
    assertThat(table.read(off).spanId()).as("the parent, restored").isEqualTo("b7ad6b7169203331");
    table.setFlags(off, false, false);
    assertThat(table.read(off)).isEqualTo(new ThreadContextTable.Record(77, null, null));
    table.setFlags(off, true, true);
    assertThat(table.read(off).spanId()).as("the child again").isEqualTo("00f067aa0ba902b7");
    assertThat(table.seq(off)).as("flag switches need no odd phase").isEqualTo(seq);
  }

  @Test
  void slotsRepeatEvery16384ThreadIdsAndDoNotOverlap() {
    assertThat(ThreadContextTable.slotOffset(7)).isEqualTo(ThreadContextTable.slotOffset(7 + 16384));
    assertThat(ThreadContextTable.slotOffset(8) - ThreadContextTable.slotOffset(7))
        .isEqualTo(ThreadContextTable.SIZE);
    int a = ThreadContextTable.slotOffset(1);
    int b = ThreadContextTable.slotOffset(2);
    table.claim(a, 1, 1);
    table.claim(b, 2, 1);
    int seqA = table.write(a, table.seq(a), ids("11111111111111111111111111111111", "1111111111111111"), false);
    table.write(b, table.seq(b), ids("22222222222222222222222222222222", "2222222222222222"), true);
    assertThat(table.read(a).spanId()).isEqualTo("1111111111111111");
    assertThat(table.read(b).spanId()).isEqualTo("2222222222222222");
    assertThat(table.seq(a)).isEqualTo(seqA);
  }
}
