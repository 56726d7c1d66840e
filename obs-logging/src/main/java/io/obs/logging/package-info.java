// SPDX-License-Identifier: Apache-2.0

/**
 * obs-logging: structured JSON logs on stdout that carry the trace, are exported over OTLP, are
 * redacted before anything leaves the process, and never block the application thread.
 *
 * <p>With the jar on the classpath and no {@code logback.xml}, obs configures Logback itself. Users
 * with their own Logback file reference {@link io.obs.logging.ObsAppender}, {@link
 * io.obs.logging.ObsEncoder} and {@link io.obs.logging.ObsTurboFilter} from it; field and MDC key
 * names are in {@link io.obs.logging.LogFields}.
 *
 * @since 0.1.0
 */
@NullMarked
package io.obs.logging;

import org.jspecify.annotations.NullMarked;
