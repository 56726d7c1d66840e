// SPDX-License-Identifier: Apache-2.0
/** Samplers beyond the OpenTelemetry SDK's: rate limiting and adaptive. */
@NullMarked
package io.obs.tracing.sampling;

import org.jspecify.annotations.NullMarked;
