// SPDX-License-Identifier: Apache-2.0

/** Internal: not for use outside obs. */
@NullMarked
package io.obs.internal.redact;

import org.jspecify.annotations.NullMarked;
