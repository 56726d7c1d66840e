// SPDX-License-Identifier: Apache-2.0

/** Internal: not for use outside obs. The Spring Boot integration's listeners and configuration. */
@NullMarked
package io.obs.spring.boot.internal;

import org.jspecify.annotations.NullMarked;
