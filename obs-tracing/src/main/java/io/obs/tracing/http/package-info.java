// SPDX-License-Identifier: Apache-2.0
/** Instrumentation for the JDK HTTP server and {@code java.net.http.HttpClient}. */
@NullMarked
package io.obs.tracing.http;

import org.jspecify.annotations.NullMarked;
