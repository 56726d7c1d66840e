// SPDX-License-Identifier: Apache-2.0

/**
 * Internal: not for use outside obs.
 *
 * <p>The self-contained kernel layer of the eBPF bridge: the JNI binding over libbpf, the
 * library loader, the availability probe, one decoder per C struct of {@code bpf/obs_events.h},
 * histogram merging and the ring-buffer poller.
 */
@NullMarked
package io.obs.ebpf.internal;

import org.jspecify.annotations.NullMarked;
