// SPDX-License-Identifier: Apache-2.0
/** JMH benchmarks of obs-tracing; each class has a {@code baseline} to read results as ratios. */
@NullMarked
package io.obs.tracing.jmh;

import org.jspecify.annotations.NullMarked;
