// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.util.RawValue;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.obs.logging.internal.redact.TextLimits;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.logstash.logback.argument.StructuredArgument;
import net.logstash.logback.marker.LogstashMarker;
import net.logstash.logback.marker.MapEntriesAppendingMarker;
import net.logstash.logback.marker.ObjectAppendingMarker;
import net.logstash.logback.marker.SingleFieldAppendingMarker;
import org.jspecify.annotations.Nullable;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

/**
 * Internal: not for use outside obs. Collects the fields an event adds beyond the fixed ones —
 * logstash structured arguments ({@code kv("order", id)}), logstash markers and SLF4J 2 key-value
 * pairs ({@code atInfo().addKeyValue(...)}) — into one JSON object, redacted: string leaves are
 * cleaned and values under denylisted names are replaced whole. The JSON writer and the OTLP
 * exporter both read this one object, so they cannot disagree about what is hidden.
 */
public final class StructuredFields {

  private static final ObjectNode EMPTY = JsonNodeFactory.instance.objectNode();

  // kv("order_id", 42) is by far the most common structured argument. Reading its value directly
  // skips a TokenBuffer round trip per argument; when the accessor is not reachable (a module
  // system that forbids it) the general path below does the same job more slowly. A constant
  // method handle, unlike Method.invoke, is inlined by the JIT.
  private static final @Nullable MethodHandle FIELD_VALUE = fieldValueAccessor();

  private static @Nullable MethodHandle fieldValueAccessor() {
    try {
      Method method = SingleFieldAppendingMarker.class.getDeclaredMethod("getFieldValue");
      method.setAccessible(true);
      return MethodHandles.lookup()
          .unreflect(method)
          .asType(MethodType.methodType(Object.class, ObjectAppendingMarker.class));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private StructuredFields() {}

  public static ObjectNode collect(
      Object @Nullable [] arguments,
      @Nullable List<Marker> markers,
      @Nullable List<KeyValuePair> keyValuePairs,
      TextLimits limits) {
    // Written straight into the object, created on the first field: almost every event has none
    // or one, and this runs for every event.
    ObjectNode fields = null;
    if (arguments != null) {
      for (Object argument : arguments) {
        if (argument instanceof StructuredArgument s) {
          fields = add(fields, s, limits);
        }
      }
    }
    if (markers != null) {
      for (Marker marker : markers) {
        fields = addMarker(fields, marker, limits);
      }
    }
    if (keyValuePairs != null) {
      for (KeyValuePair pair : keyValuePairs) {
        if (pair.key != null) {
          fields = orNew(fields);
          put(fields, pair.key, toNode(pair.value), limits);
        }
      }
    }
    return fields == null ? EMPTY : fields;
  }

  private static final Object FAILED = new Object();

  private static ObjectNode orNew(@Nullable ObjectNode fields) {
    // Sized for the usual one or two fields rather than LinkedHashMap's default sixteen.
    return fields == null
        ? new ObjectNode(JsonNodeFactory.instance, new LinkedHashMap<>(4))
        : fields;
  }

  private static void put(ObjectNode fields, String name, JsonNode value, TextLimits limits) {
    String clean = limits.limit(name);
    fields.set(clean, redact(clean, value, limits));
  }

  private static ObjectNode add(
      @Nullable ObjectNode existing, StructuredArgument argument, TextLimits limits) {
    ObjectNode fields = orNew(existing);
    MethodHandle fieldValue = FIELD_VALUE;
    if (fieldValue != null && argument instanceof ObjectAppendingMarker marker) {
      Object value;
      try {
        value = (Object) fieldValue.invokeExact(marker);
      } catch (Error e) {
        throw e;
      } catch (Throwable e) {
        value = FAILED;
      }
      if (value != FAILED) {
        put(fields, marker.getFieldName(), toNode(value), limits);
        return fields;
      }
      // else the general path below
    }
    for (Map.Entry<String, JsonNode> e : write(argument).properties()) {
      put(fields, e.getKey(), e.getValue(), limits);
    }
    return fields;
  }

  private static @Nullable ObjectNode addMarker(
      @Nullable ObjectNode fields, Marker marker, TextLimits limits) {
    ObjectNode out = fields;
    if (marker instanceof LogstashMarker && marker instanceof StructuredArgument s) {
      out = add(out, s, limits);
    }
    if (marker.hasReferences()) {
      Iterator<Marker> references = marker.iterator();
      while (references.hasNext()) {
        out = addMarker(out, references.next(), limits);
      }
    }
    return out;
  }

  private static ObjectNode write(StructuredArgument argument) {
    // kv(), value(), raw() and entries() write their values with writeObject/writeRawValue: a
    // buffer without codec keeps those values as they are (no serializer run), and toNode turns
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
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> toNode(parser.getNumberValue());
            case VALUE_TRUE -> BooleanNode.TRUE;
            case VALUE_FALSE -> BooleanNode.FALSE;
            case VALUE_NULL -> NullNode.getInstance();
            case VALUE_EMBEDDED_OBJECT -> toNode(parser.getEmbeddedObject());
            default -> Json.MAPPER.readTree(parser);
          };
      out.set(name, value);
    }
    return out;
  }

  private static JsonNode toNode(@Nullable Object value) {
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

  /** The node with every string leaf cleaned and every denylisted subtree replaced. */
  static JsonNode redact(String name, JsonNode node, TextLimits limits) {
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
}
