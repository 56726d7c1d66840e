// SPDX-License-Identifier: Apache-2.0
package io.obs.logging;

import java.util.List;

/**
 * The default names of the JSON fields obs writes, which are also the MDC keys obs maintains.
 * Every name can be changed in {@code obs.yaml} under {@code logs.fields.<default name>}, e.g.
 * {@code logs.fields: {trace_id: traceId}}; the MDC keys ({@link #TRACE_ID}, {@link #SPAN_ID},
 * {@link #TRACE_FLAGS}) never change, so code that reads the MDC does not depend on the output
 * format.
 *
 * @since 0.1.0
 */
public final class LogFields {

  /** Event time, UTC ISO-8601 with milliseconds: {@code 2026-01-31T12:00:00.123Z}. */
  public static final String TIMESTAMP = "@timestamp";

  /** Level name: TRACE, DEBUG, INFO, WARN, ERROR. */
  public static final String LEVEL = "level";

  /** Logger name. */
  public static final String LOGGER = "logger";

  /** Name of the thread that logged. */
  public static final String THREAD = "thread";

  /** The formatted, redacted message. */
  public static final String MESSAGE = "message";

  /** The service.name resource attribute (the {@code service} label in Prometheus and Loki). */
  public static final String SERVICE_NAME = "service.name";

  /** The service.version resource attribute. */
  public static final String SERVICE_VERSION = "service.version";

  /** The deployment environment (the {@code env} label in Prometheus and Loki). */
  public static final String DEPLOYMENT_ENVIRONMENT = "deployment.environment";

  /** 32 lower-case hex digits of the current span's trace; also the MDC key. */
  public static final String TRACE_ID = "trace_id";

  /** 16 lower-case hex digits of the current span; also the MDC key. */
  public static final String SPAN_ID = "span_id";

  /** W3C trace flags as two hex digits ({@code 01} = sampled); also the MDC key. */
  public static final String TRACE_FLAGS = "trace_flags";

  /** The request id ({@code X-Request-ID}) of the request being served. */
  public static final String REQUEST_ID = "http.request.id";

  /** Fully qualified class name of the logged exception. */
  public static final String ERROR_TYPE = "error.type";

  /** Message of the logged exception (redacted). */
  public static final String ERROR_MESSAGE = "error.message";

  /** Stack trace of the logged exception and its causes, frames limited per throwable. */
  public static final String ERROR_STACK_TRACE = "error.stack_trace";

  /** Every renameable field, in output order. */
  public static final List<String> ALL =
      List.of(
          TIMESTAMP,
          LEVEL,
          LOGGER,
          THREAD,
          MESSAGE,
          SERVICE_NAME,
          SERVICE_VERSION,
          DEPLOYMENT_ENVIRONMENT,
          TRACE_ID,
          SPAN_ID,
          TRACE_FLAGS,
          REQUEST_ID,
          ERROR_TYPE,
          ERROR_MESSAGE,
          ERROR_STACK_TRACE);

  /** The MDC keys obs maintains while a span is current. */
  public static final List<String> MDC_KEYS = List.of(TRACE_ID, SPAN_ID, TRACE_FLAGS);

  private LogFields() {}
}
