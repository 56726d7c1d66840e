// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.util.HashSet;
import java.util.Set;

/**
 * Internal: not for use outside obs.
 *
 * <p>The cardinality guard of the {@code peer} attribute: the first {@code limit} distinct peers
 * keep their {@code address:port}, later ones are folded into {@value #OTHER}. Admitted peers
 * stay admitted, so a series never changes its label.
 */
public final class PeerLimiter {
  public static final String OTHER = "other";

  private final int limit;
  private final Set<String> admitted = new HashSet<>();
  private long folded;

  public PeerLimiter(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0: " + limit);
    }
    this.limit = limit;
  }

  /** The label to use for {@code peer}. */
  public synchronized String label(String peer) {
    if (admitted.contains(peer)) {
      return peer;
    }
    if (admitted.size() < limit) {
      admitted.add(peer);
      return peer;
    }
    folded++;
    return OTHER;
  }

  /** How many times a peer was folded into {@value #OTHER}. */
  public synchronized long folded() {
    return folded;
  }
}
