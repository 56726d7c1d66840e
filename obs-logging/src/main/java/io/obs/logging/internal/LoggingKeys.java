// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import io.obs.config.ConfigKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Internal: not for use outside obs. The {@code logs.*} keys obs-logging adds to obs.yaml. */
public final class LoggingKeys {

  public static final ConfigKey<String> FORMAT =
      ConfigKey.oneOf("logs.format", "json", "text")
          .defaultValue("json")
          .description("stdout format: json (one object per line) or text (local development).")
          .build();

  public static final ConfigKey<Boolean> STDOUT =
      ConfigKey.bool("logs.stdout")
          .defaultValue(true)
          .description("Write log lines to stdout (export over OTLP is independent of this).")
          .build();

  public static final ConfigKey<Map<String, String>> LEVELS =
      ConfigKey.map("logs.levels")
          .defaultValue(Map.of())
          .description("Per-logger levels, e.g. {root: info, com.zaxxer.hikari: warn}.")
          .build();

  public static final ConfigKey<Map<String, String>> FIELDS =
      ConfigKey.map("logs.fields")
          .defaultValue(Map.of())
          .description("Renames JSON fields: {default name: new name}, e.g. {trace_id: traceId}.")
          .build();

  public static final ConfigKey<Integer> QUEUE_SIZE =
      ConfigKey.integer("logs.queue_size")
          .defaultValue(8192)
          .range(64, 1_000_000)
          .description(
              "Events waiting to be written; the last fifth is reserved for WARN and ERROR.")
          .build();

  public static final ConfigKey<Integer> QUEUE_BYTES =
      ConfigKey.integer("logs.queue_bytes")
          .range(65_536, Integer.MAX_VALUE)
          .defaultDescription("1/16 of the maximum heap, at least 1 MiB and at most 64 MiB")
          .description(
              "Bytes (estimated) the queued events may hold; the last fifth is reserved for WARN"
                  + " and ERROR.")
          .build();

  public static final ConfigKey<Duration> DROP_REPORT_INTERVAL =
      ConfigKey.duration("logs.drop_report_interval")
          .defaultValue(Duration.ofSeconds(30))
          .description(
              "One WARN line per interval, while events are dropped, names the drops of that"
                  + " interval; those left at shutdown are reported then.")
          .build();

  public static final ConfigKey<Integer> PREINIT_BUFFER_SIZE =
      ConfigKey.integer("logs.preinit_buffer_size")
          .defaultValue(1000)
          .range(0, 100_000)
          .description("Events logged before Observability.init() kept for OTLP export.")
          .build();

  public static final ConfigKey<Integer> MAX_MESSAGE_LENGTH =
      ConfigKey.integer("logs.max_message_length")
          .defaultValue(16_384)
          .range(64, 10_000_000)
          .description("Longer messages, field values and stack traces are cut, with a marker.")
          .build();

  public static final ConfigKey<String> TRUNCATION_MARKER =
      ConfigKey.string("logs.truncation_marker")
          .defaultValue("...[truncated]")
          .description("Appended where a value was cut.")
          .build();

  public static final ConfigKey<Integer> STACK_TRACE_MAX_DEPTH =
      ConfigKey.integer("logs.stack_trace.max_depth")
          .defaultValue(64)
          .range(1, 10_000)
          .description("Stack frames written per throwable (causes included) in error.stack_trace.")
          .build();

  public static final List<ConfigKey<?>> ALL =
      List.of(
          FORMAT,
          STDOUT,
          LEVELS,
          FIELDS,
          QUEUE_SIZE,
          QUEUE_BYTES,
          DROP_REPORT_INTERVAL,
          PREINIT_BUFFER_SIZE,
          MAX_MESSAGE_LENGTH,
          TRUNCATION_MARKER,
          STACK_TRACE_MAX_DEPTH);

  private LoggingKeys() {}
}
