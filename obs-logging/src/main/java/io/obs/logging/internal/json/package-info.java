// SPDX-License-Identifier: Apache-2.0

/** Internal: not for use outside obs. */
@NullMarked
package io.obs.logging.internal.json;

import org.jspecify.annotations.NullMarked;
