// SPDX-License-Identifier: Apache-2.0

@NullMarked
package io.obs.server;

import org.jspecify.annotations.NullMarked;
