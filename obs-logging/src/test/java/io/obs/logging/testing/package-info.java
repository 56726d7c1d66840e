// SPDX-License-Identifier: Apache-2.0

/** Test support. */
@NullMarked
package io.obs.logging.testing;

import org.jspecify.annotations.NullMarked;
