// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

/**
 * Internal: not for use outside obs.
 *
 * <p>The kernel's TCP states ({@code include/net/tcp_states.h}, stable since Linux 2.x).
 */
public final class TcpStates {
  public static final int ESTABLISHED = 1;
  public static final int SYN_SENT = 2;
  public static final int SYN_RECV = 3;
  public static final int CLOSE = 7;
  public static final int LISTEN = 10;

  private static final String[] NAMES = {
    "UNKNOWN", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT",
    "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV", "BOUND_INACTIVE"
  };

  private TcpStates() {}

  public static String name(int state) {
    return state > 0 && state < NAMES.length ? NAMES[state] : "STATE_" + state;
  }
}
