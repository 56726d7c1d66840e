// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal.json;

import com.fasterxml.jackson.core.JsonGenerator;
import io.obs.logging.internal.FieldNames;
import io.obs.logging.internal.LogSettings;
import io.obs.logging.internal.PreparedEvent;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Internal: not for use outside obs. Writes the MDC entries (redacted) as top-level fields,
 * except obs's own trace keys, which {@link TraceContextJsonProvider} writes from the span itself,
 * and any key that would collide with an obs field.
 */
public final class MdcJsonProvider extends ObsJsonProvider {

  private final FieldNames names;

  public MdcJsonProvider(FieldNames names) {
    this.names = names;
  }

  @Override
  protected void write(JsonGenerator generator, PreparedEvent event) throws IOException {
    // forEach, not an entry iterator: Logback's MDC map is an unmodifiable wrapper, whose
    // iterator wraps every entry, while forEach walks the HashMap inside directly.
    try {
      event
          .mdcFields()
          .forEach(
              (key, value) -> {
                if (!LogSettings.isTraceKey(key) && !names.isReserved(key)) {
                  try {
                    generator.writeStringField(key, value);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                }
              });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
