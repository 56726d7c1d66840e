// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal.json;

import com.fasterxml.jackson.core.JsonGenerator;
import io.obs.logging.internal.FieldNames;
import io.obs.logging.internal.PreparedEvent;
import java.io.IOException;
import java.util.Map;

/**
 * Internal: not for use outside obs. Writes the baggage entries listed in {@code
 * traces.baggage.attributes} under their own keys, as spans carry them, so a log line and its
 * span can be filtered by the same attribute. Only allowlisted keys: baggage comes from the
 * caller and must not decide what goes into logs.
 */
public final class BaggageJsonProvider extends ObsJsonProvider {

  private final FieldNames names;

  public BaggageJsonProvider(FieldNames names) {
    this.names = names;
  }

  @Override
  protected void write(JsonGenerator generator, PreparedEvent event) throws IOException {
    for (Map.Entry<String, String> entry : event.baggage().entrySet()) {
      if (!names.isReserved(entry.getKey())) {
        generator.writeStringField(entry.getKey(), entry.getValue());
      }
    }
  }
}
