// SPDX-License-Identifier: Apache-2.0
/** Propagators by name, tolerant of malformed, oversized and conflicting headers. */
@NullMarked
package io.obs.tracing.propagation;

import org.jspecify.annotations.NullMarked;
