// SPDX-License-Identifier: Apache-2.0
package io.obs.internal.redact;

/** Internal: not for use outside obs. A span {@code [start, end)} of text that must be hidden. */
public record Finding(int start, int end, String kind) {}
