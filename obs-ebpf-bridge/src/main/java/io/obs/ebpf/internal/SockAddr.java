// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs.
 *
 * <p>{@code struct obs_addr}: a socket address as the kernel saw it.
 *
 * @param family {@code AF_INET}, {@code AF_INET6}, {@code AF_UNIX} or 0
 * @param port host byte order
 * @param scopeId IPv6 scope id
 * @param address 16 bytes in network order; IPv4 uses the first 4
 */
public record SockAddr(int family, int port, int scopeId, byte[] address) {
  public static final int AF_UNIX = 1;
  public static final int AF_INET = 2;
  public static final int AF_INET6 = 10;

  static final int OFF_FAMILY = 0;
  static final int OFF_PORT = 2;
  static final int OFF_SCOPE_ID = 4;
  static final int OFF_ADDR = 8;
  static final int SIZE = 24;

  static final StructLayout LAYOUT =
      StructLayout.struct("obs_addr", SIZE)
          .field("family", OFF_FAMILY, 2)
          .field("port", OFF_PORT, 2)
          .field("scope_id", OFF_SCOPE_ID, 4)
          .field("addr", OFF_ADDR, 16)
          .build();

  public SockAddr {
    address = address.clone();
  }

  @Override
  public byte[] address() {
    return address.clone();
  }

  /** Decodes the address at {@code offset} of a little-endian buffer. */
  public static SockAddr decode(ByteBuffer buf, int offset) {
    byte[] addr = new byte[16];
    buf.get(offset + OFF_ADDR, addr);
    return new SockAddr(
        Short.toUnsignedInt(buf.getShort(offset + OFF_FAMILY)),
        Short.toUnsignedInt(buf.getShort(offset + OFF_PORT)),
        buf.getInt(offset + OFF_SCOPE_ID),
        addr);
  }

  /**
   * The IP address, or null for other families. IPv4-mapped IPv6 addresses (what dual-stack Java
   * sockets use for IPv4 peers) come back as {@link java.net.Inet4Address}.
   */
  public @Nullable InetAddress inetAddress() {
    try {
      if (family == AF_INET) {
        return InetAddress.getByAddress(Arrays.copyOf(address, 4));
      }
      if (family == AF_INET6) {
        return InetAddress.getByAddress(address);
      }
    } catch (UnknownHostException e) {
      throw new IllegalStateException("a 4 or 16 byte address is always valid", e);
    }
    return null;
  }

  /** {@code 10.0.0.1:443}, {@code [2001:db8::1]:443}, {@code unix} or {@code unknown}. */
  public String hostPort() {
    InetAddress ip = inetAddress();
    if (ip == null) {
      return family == AF_UNIX ? "unix" : "unknown";
    }
    String host = ip.getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof SockAddr other
        && family == other.family
        && port == other.port
        && scopeId == other.scopeId
        && Arrays.equals(address, other.address);
  }

  @Override
  public int hashCode() {
    return ((family * 31 + port) * 31 + scopeId) * 31 + Arrays.hashCode(address);
  }

  @Override
  public String toString() {
    return hostPort();
  }
}
