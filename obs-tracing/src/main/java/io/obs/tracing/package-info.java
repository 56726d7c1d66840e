// SPDX-License-Identifier: Apache-2.0
/** Tracing for obs: the module, the {@link io.obs.tracing.Spans} helper and context helpers. */
@NullMarked
package io.obs.tracing;

import org.jspecify.annotations.NullMarked;
