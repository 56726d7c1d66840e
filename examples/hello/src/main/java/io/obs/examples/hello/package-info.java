// SPDX-License-Identifier: Apache-2.0
/** The smallest runnable service using obs. */
@NullMarked
package io.obs.examples.hello;

import org.jspecify.annotations.NullMarked;
