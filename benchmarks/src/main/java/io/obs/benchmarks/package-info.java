// SPDX-License-Identifier: Apache-2.0
/** Benchmarks and harnesses; every result is read as a ratio against a baseline of the same run. */
@NullMarked
package io.obs.benchmarks;

import org.jspecify.annotations.NullMarked;
