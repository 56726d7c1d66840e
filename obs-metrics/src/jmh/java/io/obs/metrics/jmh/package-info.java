// SPDX-License-Identifier: Apache-2.0
/** JMH benchmarks of obs-metrics against plain Micrometer; each class has baseline methods. */
@NullMarked
package io.obs.metrics.jmh;

import org.jspecify.annotations.NullMarked;
