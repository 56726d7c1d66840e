// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.util.RawValue;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.opentelemetry.api.common.AttributesBuilder;
import java.io.IOException;
import java.util.Map;
import net.logstash.logback.argument.StructuredArgument;
import net.logstash.logback.marker.MapEntriesAppendingMarker;
import net.logstash.logback.marker.SingleFieldAppendingMarker;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. The Jackson-tree side of {@link StructuredFields}: values
 * that are not plain (maps, POJOs, raw JSON, arrays, other numbers) become {@link JsonNode} trees
 * here, are redacted, written and read back here. This is the only class that touches
 * jackson-databind when an event is logged, so the mapper and its few hundred classes load only
 * when an event first carries such a value. Its methods take and return {@code Object}, so that
 * the callers' classes never name a databind type.
 */
public final class JsonTrees {

  private JsonTrees() {}

  /** The tree of any value {@link StructuredFields#toValue} does not keep plain. */
  static Object toNode(Object value) {
    return node(value);
  }

  // Also used for the values read back from a TokenBuffer, which may be plain ones.
  private static JsonNode node(@Nullable Object value) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    if (value == null) {
      return nodes.nullNode();
    }
    if (value instanceof CharSequence s) {
      return TextNode.valueOf(s.toString());
    }
    if (value instanceof Integer i) {
      return nodes.numberNode(i);
    }
    if (value instanceof Long l) {
      return nodes.numberNode(l);
    }
    if (value instanceof Double d) {
      return nodes.numberNode(d);
    }
    if (value instanceof Boolean b) {
      return nodes.booleanNode(b);
    }
    if (value instanceof RawValue raw) {
      return nodes.rawValueNode(raw);
    }
    if (value instanceof Enum<?> e) {
      return TextNode.valueOf(e.name());
    }
    try {
      return Json.MAPPER.valueToTree(value);
    } catch (IllegalArgumentException e) {
      return TextNode.valueOf(String.valueOf(value));
    }
  }

  /**
   * Adds the fields a structured argument writes: {@code value()}, {@code raw()}, {@code
   * entries()}, {@code fields(pojo)}, or any argument whose value could not be read directly.
   */
  static void addWritten(StructuredFields fields, StructuredArgument argument, TextLimits limits) {
    for (Map.Entry<String, JsonNode> e : written(argument).properties()) {
      fields.put(e.getKey(), e.getValue(), limits);
    }
  }

  private static ObjectNode written(StructuredArgument argument) {
    // kv(), value(), raw() and entries() write their values with writeObject/writeRawValue: a
    // buffer without codec keeps those values as they are (no serializer run), and node() turns
    // the common ones (strings, numbers, booleans) into nodes directly. Other arguments, such as
    // fields(pojo), need the mapper.
    boolean plain =
        argument instanceof SingleFieldAppendingMarker
            || argument instanceof MapEntriesAppendingMarker;
    try (TokenBuffer buffer = new TokenBuffer(plain ? null : Json.MAPPER, false)) {
      buffer.writeStartObject();
      argument.writeTo(buffer);
      buffer.writeEndObject();
      return readObject(buffer.asParser(Json.MAPPER));
    } catch (IOException | RuntimeException e) {
      // A value that cannot be serialised must not lose the log line.
      ObjectNode failed = JsonNodeFactory.instance.objectNode();
      failed.put("obs.argument_error", e.getClass().getName());
      return failed;
    }
  }

  private static ObjectNode readObject(JsonParser parser) throws IOException {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    if (parser.nextToken() != JsonToken.START_OBJECT) {
      return out;
    }
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken token = parser.nextToken();
      JsonNode value =
          switch (token) {
            case VALUE_STRING -> TextNode.valueOf(parser.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> node(parser.getNumberValue());
            case VALUE_TRUE -> BooleanNode.TRUE;
            case VALUE_FALSE -> BooleanNode.FALSE;
            case VALUE_NULL -> NullNode.getInstance();
            case VALUE_EMBEDDED_OBJECT -> node(parser.getEmbeddedObject());
            default -> Json.MAPPER.readTree(parser);
          };
      out.set(name, value);
    }
    return out;
  }

  /** The tree with every string leaf cleaned and every denylisted subtree replaced. */
  static Object redact(String name, @Nullable Object tree, TextLimits limits) {
    return redact(name, (JsonNode) tree, limits);
  }

  private static JsonNode redact(String name, JsonNode node, TextLimits limits) {
    if (limits.redactor().isDenied(name)) {
      String text = node.isValueNode() ? node.asText() : node.toString();
      return TextNode.valueOf(limits.redactor().replace(text));
    }
    if (node.isTextual()) {
      String cleaned = limits.clean(node.textValue());
      return cleaned.equals(node.textValue()) ? node : TextNode.valueOf(cleaned);
    }
    if (node instanceof POJONode pojo) {
      Object value = pojo.getPojo();
      if (value instanceof RawValue raw) {
        try {
          return redact(name, Json.MAPPER.readTree(String.valueOf(raw.rawValue())), limits);
        } catch (IOException e) {
          return TextNode.valueOf(limits.clean(String.valueOf(raw.rawValue())));
        }
      }
      return TextNode.valueOf(limits.clean(String.valueOf(value)));
    }
    if (node instanceof ObjectNode object) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      object.properties().forEach(e -> {
        String key = limits.limit(e.getKey());
        out.set(key, redact(key, e.getValue(), limits));
      });
      return out;
    }
    if (node instanceof ArrayNode array) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode(array.size());
      for (JsonNode element : array) {
        out.add(redact(name, element, limits));
      }
      return out;
    }
    return node;
  }

  /**
   * Writes a tree of plain JSON values (every POJO was converted). Done by hand because
   * ObjectMapper.writeTree creates a SerializerProvider per call, which is most of the cost of a
   * small argument.
   */
  static void write(JsonGenerator generator, Object tree) throws IOException {
    writeNode(generator, (JsonNode) tree);
  }

  private static void writeNode(JsonGenerator generator, JsonNode node) throws IOException {
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

  /** The text of a value node, the JSON text of an object or array. */
  static String text(Object tree) {
    JsonNode node = (JsonNode) tree;
    return node.isValueNode() ? node.asText() : node.toString();
  }

  /** Adds a tree as an OpenTelemetry attribute: numbers and booleans typed, else as text. */
  static void putAttribute(AttributesBuilder attributes, String key, Object tree) {
    JsonNode value = (JsonNode) tree;
    if (value.isIntegralNumber() && value.canConvertToLong()) {
      attributes.put(key, value.longValue());
    } else if (value.isNumber()) {
      attributes.put(key, value.doubleValue());
    } else if (value.isBoolean()) {
      attributes.put(key, value.booleanValue());
    } else if (value.isTextual()) {
      attributes.put(key, value.textValue());
    } else if (!value.isNull()) {
      attributes.put(key, value.toString());
    }
  }
}
