// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal.json;

import com.fasterxml.jackson.core.JsonGenerator;
import io.obs.logging.internal.FieldNames;
import io.obs.logging.internal.PreparedEvent;
import io.obs.logging.internal.StructuredFields;
import java.io.IOException;

/**
 * Internal: not for use outside obs. Writes structured arguments ({@code kv("order", 42)}),
 * logstash markers and SLF4J key-value pairs as top-level fields, redacted. A name that collides
 * with an obs field is written with the prefix {@code arg.}, so it can neither overwrite nor
 * duplicate, say, {@code trace_id}.
 */
public final class StructuredFieldsJsonProvider extends ObsJsonProvider {

  private final FieldNames names;

  public StructuredFieldsJsonProvider(FieldNames names) {
    this.names = names;
  }

  @Override
  protected void write(JsonGenerator generator, PreparedEvent event) throws IOException {
    StructuredFields fields = event.structuredFields();
    for (int i = 0; i < fields.size(); i++) {
      String name = fields.name(i);
      generator.writeFieldName(names.isReserved(name) ? "arg." + name : name);
      StructuredFields.write(generator, fields.value(i));
    }
  }
}
