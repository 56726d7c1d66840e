// SPDX-License-Identifier: Apache-2.0

@NullMarked
package io.obs;

import org.jspecify.annotations.NullMarked;
