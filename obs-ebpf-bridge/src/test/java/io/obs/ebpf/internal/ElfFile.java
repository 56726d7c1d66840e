// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The dynamic-linking facts of a 64-bit little-endian ELF shared object, read the way {@code
 * readelf -d -V --dyn-syms} reports them, so tests can check the committed JNI libraries on any
 * machine without binutils.
 */
final class ElfFile {
  static final int EM_X86_64 = 62;
  static final int EM_AARCH64 = 183;

  private static final int SHT_DYNSYM = 11;
  private static final int SHT_DYNAMIC = 6;
  private static final int SHT_GNU_VERNEED = 0x6ffffffe;
  private static final long DT_NEEDED = 1;

  /** One version a library needs from another: {@code libc.so.6} / {@code GLIBC_2.14}. */
  record NeededVersion(String file, String version) {}

  private final ByteBuffer buf;
  private final List<long[]> sections = new ArrayList<>(); // {type, offset, size, link}

  ElfFile(byte[] bytes) {
    buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 64
        || buf.getInt(0) != 0x464c457f // \x7fELF
        || buf.get(4) != 2 // ELFCLASS64
        || buf.get(5) != 1) { // ELFDATA2LSB
      throw new IllegalArgumentException("not a 64-bit little-endian ELF file");
    }
    long shoff = buf.getLong(0x28);
    int shentsize = Short.toUnsignedInt(buf.getShort(0x3a));
    int shnum = Short.toUnsignedInt(buf.getShort(0x3c));
    for (int i = 0; i < shnum; i++) {
      int at = (int) (shoff + (long) i * shentsize);
      sections.add(
          new long[] {
            Integer.toUnsignedLong(buf.getInt(at + 4)),
            buf.getLong(at + 24),
            buf.getLong(at + 32),
            Integer.toUnsignedLong(buf.getInt(at + 40))
          });
    }
  }

  /** {@code e_machine}: {@link #EM_X86_64}, {@link #EM_AARCH64}, ... */
  int machine() {
    return Short.toUnsignedInt(buf.getShort(0x12));
  }

  /** The {@code DT_NEEDED} entries: the shared libraries the loader must find. */
  List<String> needed() {
    List<String> out = new ArrayList<>();
    for (long[] s : sections) {
      if (s[0] == SHT_DYNAMIC) {
        long strtab = sections.get((int) s[3])[1];
        for (long at = s[1]; at + 16 <= s[1] + s[2]; at += 16) {
          if (buf.getLong((int) at) == DT_NEEDED) {
            out.add(string(strtab + buf.getLong((int) at + 8)));
          }
        }
      }
    }
    return out;
  }

  /** Every symbol version the library imports ({@code .gnu.version_r}). */
  List<NeededVersion> neededVersions() {
    List<NeededVersion> out = new ArrayList<>();
    for (long[] s : sections) {
      if (s[0] == SHT_GNU_VERNEED) {
        long strtab = sections.get((int) s[3])[1];
        long need = s[1];
        while (true) {
          int count = Short.toUnsignedInt(buf.getShort((int) need + 2));
          String file = string(strtab + Integer.toUnsignedLong(buf.getInt((int) need + 4)));
          long aux = need + Integer.toUnsignedLong(buf.getInt((int) need + 8));
          for (int i = 0; i < count; i++) {
            out.add(
                new NeededVersion(
                    file, string(strtab + Integer.toUnsignedLong(buf.getInt((int) aux + 8)))));
            aux += Integer.toUnsignedLong(buf.getInt((int) aux + 12));
          }
          long next = Integer.toUnsignedLong(buf.getInt((int) need + 12));
          if (next == 0) {
            break;
          }
          need += next;
        }
      }
    }
    return out;
  }

  /** Names of the symbols the library defines and exports (global or weak, not undefined). */
  TreeSet<String> exportedSymbols() {
    TreeSet<String> out = new TreeSet<>();
    for (long[] s : sections) {
      if (s[0] == SHT_DYNSYM) {
        long strtab = sections.get((int) s[3])[1];
        for (long at = s[1] + 24; at + 24 <= s[1] + s[2]; at += 24) { // entry 0 is null
          int bind = (buf.get((int) at + 4) & 0xff) >> 4;
          int shndx = Short.toUnsignedInt(buf.getShort((int) at + 6));
          int visibility = buf.get((int) at + 5) & 0x3;
          if (shndx != 0 && (bind == 1 || bind == 2) && visibility == 0) {
            out.add(string(strtab + Integer.toUnsignedLong(buf.getInt((int) at))));
          }
        }
      }
    }
    return out;
  }

  private String string(long offset) {
    int start = (int) offset;
    int end = start;
    while (buf.get(end) != 0) {
      end++;
    }
    byte[] b = new byte[end - start];
    buf.get(start, b);
    return new String(b, StandardCharsets.US_ASCII);
  }
}
