// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Internal: not for use outside obs.
 *
 * <p>What a Java decoder believes about the layout of one C struct of {@code bpf/obs_events.h}:
 * its size and each field's offset and size. LayoutConsistencyTest compares it with the header.
 *
 * @param cName the struct's C name, e.g. {@code obs_tcp_event}
 * @param size {@code sizeof} the struct
 * @param fields C field name to {@code {offset, size}}, in declaration order
 */
public record StructLayout(String cName, int size, Map<String, Field> fields) {

  /** Offset and size of one field. */
  public record Field(int offset, int size) {}

  public StructLayout {
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /** The layouts of every struct in obs_events.h, one per Java decoder. */
  public static List<StructLayout> all() {
    return List.of(
        EventHeader.LAYOUT,
        SockAddr.LAYOUT,
        SyscallEvent.LAYOUT,
        TcpEvent.LAYOUT,
        Log2Histogram.LAYOUT,
        SyscallKey.LAYOUT,
        PeerKey.LAYOUT,
        ThreadStats.LAYOUT,
        ThreadContextTable.LAYOUT);
  }

  static Builder struct(String cName, int size) {
    return new Builder(cName, size);
  }

  static final class Builder {
    private final String cName;
    private final int size;
    private final Map<String, Field> fields = new LinkedHashMap<>();

    private Builder(String cName, int size) {
      this.cName = cName;
      this.size = size;
    }

    Builder field(String name, int offset, int size) {
      if (fields.put(name, new Field(offset, size)) != null) {
        throw new IllegalArgumentException(cName + "." + name + " declared twice");
      }
      return this;
    }

    StructLayout build() {
      return new StructLayout(cName, size, fields);
    }
  }
}
