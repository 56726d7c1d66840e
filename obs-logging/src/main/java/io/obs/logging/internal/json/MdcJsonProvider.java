// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal.json;

import com.fasterxml.jackson.core.JsonGenerator;
import io.obs.logging.LogFields;
import io.obs.logging.internal.FieldNames;
import io.obs.logging.internal.PreparedEvent;
import java.io.IOException;
import java.util.Map;

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
    for (Map.Entry<String, String> entry : event.getMDCPropertyMap().entrySet()) {
      String key = entry.getKey();
      if (!LogFields.MDC_KEYS.contains(key) && !names.isReserved(key)) {
        generator.writeStringField(key, entry.getValue());
      }
    }
  }
}
