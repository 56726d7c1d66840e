// SPDX-License-Identifier: Apache-2.0
/** The one-command launcher: the three services as separate processes, with light traffic. */
@NullMarked
package io.obs.examples.shop.launcher;

import org.jspecify.annotations.NullMarked;
