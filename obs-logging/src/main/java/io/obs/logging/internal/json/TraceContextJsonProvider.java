// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal.json;

import com.fasterxml.jackson.core.JsonGenerator;
import io.obs.logging.LogFields;
import io.obs.logging.internal.FieldNames;
import io.obs.logging.internal.PreparedEvent;
import io.opentelemetry.api.trace.SpanContext;
import java.io.IOException;

/**
 * Internal: not for use outside obs. Writes {@code trace_id}, {@code span_id} and {@code
 * trace_flags} of the span that was current when the event was logged; nothing outside a span.
 */
public final class TraceContextJsonProvider extends ObsJsonProvider {

  private final JsonName traceId;
  private final JsonName spanId;
  private final JsonName traceFlags;

  public TraceContextJsonProvider(FieldNames names) {
    this.traceId = new JsonName(names.get(LogFields.TRACE_ID));
    this.spanId = new JsonName(names.get(LogFields.SPAN_ID));
    this.traceFlags = new JsonName(names.get(LogFields.TRACE_FLAGS));
  }

  @Override
  protected void write(JsonGenerator generator, PreparedEvent event) throws IOException {
    SpanContext span = event.spanContext();
    if (span == null) {
      return;
    }
    traceId.writeString(generator, span.getTraceId());
    spanId.writeString(generator, span.getSpanId());
    traceFlags.writeString(generator, span.getTraceFlags().asHex());
  }
}
