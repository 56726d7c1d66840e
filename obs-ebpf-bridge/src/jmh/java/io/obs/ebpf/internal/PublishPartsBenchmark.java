// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import io.opentelemetry.api.internal.OtelEncodingUtils;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The parts of one publication: hex parsing and one seqlock record write (a direct buffer). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PublishPartsBenchmark {
  private final String traceId = "0af7651916cd43dd8448eb211c80319c";
  private final String spanId = "b7ad6b7169203331";
  private ThreadContextTable table;
  private int seq;

  /** heap: a direct buffer of the JVM; bpf: the real mmapped BPF map (needs BPF rights). */
  @Param({"heap", "bpf"})
  public String memory;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    if (memory.equals("bpf")) {
      ContextPublisher.enable();
      table = ContextPublisher.table();
    } else {
      table =
          new ThreadContextTable(
              ByteBuffer.allocateDirect(ThreadStats.SLOTS * ThreadContextTable.SIZE)
                  .order(ByteOrder.LITTLE_ENDIAN));
    }
  }

  /** What a publication would cost with binary ids in the record: parsing the hex. */
  @Benchmark
  public long parseIds() {
    return OtelEncodingUtils.longFromBase16String(traceId, 0)
        ^ OtelEncodingUtils.longFromBase16String(traceId, 16)
        ^ OtelEncodingUtils.longFromBase16String(spanId, 0);
  }

  private final byte[] ids = new byte[ThreadContextTable.IDS];

  private final String otherSpanId = "00f067aa0ba902b7";
  private final String[] traceIds = new String[1024];
  private final String[] spanIds = new String[1024];
  private int next;

  {
    for (int i = 0; i < traceIds.length; i++) {
      traceIds[i] = String.format("%032x", 0x5eed0000L + i);
      spanIds[i] = String.format("%016x", 0xabc0000L + i);
    }
  }

  /** One publication each of 1024 different spans in turn (their ids not hot in cache). */
  @Benchmark
  @SuppressWarnings("deprecation")
  public int writeDistinctRecords() {
    int i = next++ & 1023;
    traceIds[i].getBytes(0, 32, ids, 0);
    spanIds[i].getBytes(0, 16, ids, 32);
    seq = table.write(ThreadContextTable.SIZE * 123, seq, ids, true);
    return seq;
  }

  /** Two publications of different ids into one record, as a child's attach and its close. */
  @Benchmark
  @SuppressWarnings("deprecation")
  public int writeTwoDifferentRecords() {
    traceId.getBytes(0, 32, ids, 0);
    otherSpanId.getBytes(0, 16, ids, 32);
    seq = table.write(ThreadContextTable.SIZE * 123, seq, ids, true);
    traceId.getBytes(0, 32, ids, 0);
    spanId.getBytes(0, 16, ids, 32);
    seq = table.write(ThreadContextTable.SIZE * 123, seq, ids, true);
    return seq;
  }

  /** What a publication does now: copy the hex ids and write them as ASCII. */
  @Benchmark
  @SuppressWarnings("deprecation")
  public int copyAndWriteRecord() {
    traceId.getBytes(0, 32, ids, 0);
    spanId.getBytes(0, 16, ids, 32);
    seq = table.write(ThreadContextTable.SIZE * 123, seq, ids, true);
    return seq;
  }
}
