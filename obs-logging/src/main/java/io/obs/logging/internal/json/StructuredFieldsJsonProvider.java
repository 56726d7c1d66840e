// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.obs.logging.internal.FieldNames;
import io.obs.logging.internal.PreparedEvent;
import java.io.IOException;
import java.util.Map;

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

  /**
   * Writes a tree of plain JSON values (StructuredFields converted every POJO). Done by hand
   * because ObjectMapper.writeTree creates a SerializerProvider per call, which is most of the
   * cost of a small argument.
   */
  static void writeNode(JsonGenerator generator, JsonNode node) throws IOException {
    if (node.isObject()) {
      generator.writeStartObject();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        generator.writeFieldName(e.getKey());
        writeNode(generator, e.getValue());
      }
      generator.writeEndObject();
    } else if (node.isArray()) {
      generator.writeStartArray();
      for (JsonNode element : node) {
        writeNode(generator, element);
      }
      generator.writeEndArray();
    } else if (node.isTextual()) {
      generator.writeString(node.textValue());
    } else if (node.isIntegralNumber()) {
      if (node.canConvertToLong()) {
        generator.writeNumber(node.longValue());
      } else {
        generator.writeNumber(node.bigIntegerValue());
      }
    } else if (node.isBigDecimal()) {
      generator.writeNumber(node.decimalValue());
    } else if (node.isNumber()) {
      generator.writeNumber(node.doubleValue());
    } else if (node.isBoolean()) {
      generator.writeBoolean(node.booleanValue());
    } else if (node.isNull() || node.isMissingNode()) {
      generator.writeNull();
    } else {
      generator.writeString(node.asText());
    }
  }

  @Override
  protected void write(JsonGenerator generator, PreparedEvent event) throws IOException {
    for (Map.Entry<String, JsonNode> field : event.structuredFields().properties()) {
      String name = names.isReserved(field.getKey()) ? "arg." + field.getKey() : field.getKey();
      generator.writeFieldName(name);
      writeNode(generator, field.getValue());
    }
  }
}
