// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Ring-buffer batches mutated at random (corrupt lengths, flipped bytes, unknown kinds, garbage
 * strings and addresses) through the dispatcher and the decoders: nothing escapes, every decoded
 * event reaches the listener (a decoder that threw would show as a listener failure), and the
 * record count stays within what the batch can hold. A fixed budget in every build;
 * {@code -Dobs.fuzz.seconds=600} (and {@code -Dobs.fuzz.seed}) for a longer run.
 */
class DecoderFuzzTest {

  @Test
  void corruptBatchesNeverThrowAndNeverBreakADecoder() {
    long seed = Long.getLong("obs.fuzz.seed", 0x0b5_eb9fL);
    long budget = System.nanoTime() + Long.getLong("obs.fuzz.seconds", 2) * 1_000_000_000L;
    SplittableRandom random = new SplittableRandom(seed);
    long[] delivered = {0};
    EventDispatcher dispatcher = new EventDispatcher(new KernelEventListener() {
      @Override
      public void onSyscall(SyscallEvent event) {
        delivered[0] += event.toString().length() > 0 ? 1 : 0;
      }

      @Override
      public void onTcp(TcpEvent event) {
        delivered[0] += event.toString().length() > 0 ? 1 : 0;
      }
    });
    int cases = 0;
    for (; cases < 200_000 && System.nanoTime() < budget; cases++) {
      ByteBuffer batch = mutate(random);
      int length = random.nextInt(10) == 0 ? random.nextInt(batch.capacity() + 1)
          : batch.capacity();
      int records = dispatcher.dispatch(batch, length);
      assertThat(records).as("seed %d case %d", seed, cases).isBetween(0, length / 8 + 1);
    }
    System.out.println("DecoderFuzzTest: " + cases + " batches, seed " + seed + ", "
        + dispatcher.malformed() + " malformed records, " + delivered[0] + " events");
    assertThat(dispatcher.listenerFailures()).as("a decoder threw (seed %d)", seed).isZero();
    assertThat(cases).isPositive();
  }

  /** A valid batch of canned records with some of its bytes, lengths and strings damaged. */
  private static ByteBuffer mutate(SplittableRandom random) {
    int count = 1 + random.nextInt(4);
    ByteBuffer[] records = new ByteBuffer[count];
    for (int i = 0; i < count; i++) {
      records[i] = random.nextBoolean()
          ? CannedRecords.syscall(random.nextInt(), random.nextInt(), random.nextInt(600) - 50,
              random.nextLong(), random.nextLong(), random.nextInt(6) - 1,
              random.nextInt(4) == 0 ? null : randomText(random))
          : CannedRecords.tcp(2 + random.nextInt(5), random.nextInt(), random.nextInt(200),
              random.nextInt(20), random.nextInt(20), random.nextInt(70_000),
              random.nextInt(70_000));
    }
    ByteBuffer batch = CannedRecords.batch(records);
    int flips = random.nextInt(12);
    for (int i = 0; i < flips; i++) {
      int at = random.nextInt(batch.capacity());
      switch (random.nextInt(4)) {
        case 0 -> batch.put(at, (byte) random.nextInt(256));
        case 1 -> batch.putInt(Math.min(at, batch.capacity() - 4), random.nextInt());
        case 2 -> batch.putInt(0, random.nextInt()); // the first frame's length
        default -> batch.putInt(Math.min(at & ~7, batch.capacity() - 4),
            random.nextInt(3) - 1 + (random.nextBoolean() ? 360 : 144)); // lengths near sizes
      }
    }
    return batch;
  }

  private static String randomText(SplittableRandom random) {
    StringBuilder text = new StringBuilder();
    int length = random.nextInt(60); // at most 180 UTF-8 bytes: the record holds 255
    for (int i = 0; i < length; i++) {
      text.append((char) (random.nextInt(6) == 0 ? random.nextInt(0x3000) : 32 + random.nextInt(95)));
    }
    return text.toString();
  }
}
