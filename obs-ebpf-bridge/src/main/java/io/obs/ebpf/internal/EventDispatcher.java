// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Internal: not for use outside obs.
 *
 * <p>Walks a batch written by {@link BpfObject#drain(ByteBuffer)} ({@code [u32 length][u32
 * 0][record][pad to 8]} frames), decodes each record by its kind and hands it to the listener.
 */
public final class EventDispatcher {
  static final int FRAME_HEADER = 8;

  private final KernelEventListener listener;
  private final LongAdder events = new LongAdder();
  private final LongAdder malformed = new LongAdder();
  private final LongAdder listenerFailures = new LongAdder();

  public EventDispatcher(KernelEventListener listener) {
    this.listener = listener;
  }

  /** Decodes the first {@code length} bytes of {@code batch}; returns the records seen. */
  public int dispatch(ByteBuffer batch, int length) {
    if (batch.order() != ByteOrder.LITTLE_ENDIAN) {
      throw new IllegalArgumentException("batch buffers are little-endian");
    }
    int pos = 0;
    int records = 0;
    while (pos + FRAME_HEADER <= length) {
      int recordLength = batch.getInt(pos);
      int start = pos + FRAME_HEADER;
      if (recordLength < 0 || start + recordLength > length) {
        malformed.increment();
        break;
      }
      deliver(batch, start, recordLength);
      records++;
      pos = start + ((recordLength + 7) & ~7);
    }
    events.add(records);
    return records;
  }

  private void deliver(ByteBuffer buf, int offset, int length) {
    if (length < 4) {
      malformed.increment();
      return;
    }
    int kind = buf.getInt(offset);
    try {
      switch (kind) {
        case EventHeader.KIND_SYSCALL -> {
          if (length < SyscallEvent.SIZE) {
            malformed.increment();
          } else {
            listener.onSyscall(SyscallEvent.decode(buf, offset));
          }
        }
        case EventHeader.KIND_TCP_CONNECT,
            EventHeader.KIND_TCP_ACCEPT,
            EventHeader.KIND_TCP_CLOSE,
            EventHeader.KIND_TCP_RETRANSMIT -> {
          if (length < TcpEvent.SIZE) {
            malformed.increment();
          } else {
            listener.onTcp(TcpEvent.decode(buf, offset));
          }
        }
        default -> malformed.increment();
      }
    } catch (RuntimeException e) {
      listenerFailures.increment();
    }
  }

  /** Records decoded so far. */
  public long events() {
    return events.sum();
  }

  /** Records with an unknown kind, a short length, or a broken frame. */
  public long malformed() {
    return malformed.sum();
  }

  /** Events the listener threw on. */
  public long listenerFailures() {
    return listenerFailures.sum();
  }
}
