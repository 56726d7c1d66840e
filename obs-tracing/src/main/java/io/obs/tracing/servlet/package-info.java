// SPDX-License-Identifier: Apache-2.0
/** Instrumentation for Jakarta Servlet containers. */
@NullMarked
package io.obs.tracing.servlet;

import org.jspecify.annotations.NullMarked;
