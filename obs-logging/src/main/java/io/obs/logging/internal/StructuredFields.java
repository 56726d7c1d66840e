// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.NumberOutput;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import net.logstash.logback.argument.StructuredArgument;
import net.logstash.logback.marker.LogstashMarker;
import net.logstash.logback.marker.ObjectAppendingMarker;
import net.logstash.logback.marker.SingleFieldAppendingMarker;
import org.jspecify.annotations.Nullable;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

/**
 * Internal: not for use outside obs. The fields an event adds beyond the fixed ones — logstash
 * structured arguments ({@code kv("order", id)}), logstash markers and SLF4J 2 key-value pairs
 * ({@code atInfo().addKeyValue(...)}) — in order, redacted: string leaves are cleaned and values
 * under denylisted names are replaced whole. The JSON writer, the text format and the OTLP
 * exporter all read this one object, so they cannot disagree about what is hidden.
 *
 * <p>A value is a plain {@link String}, {@link Integer}, {@link Long}, {@link Double}, {@link
 * Boolean} or {@code null} — what almost every argument is — or, for anything else (maps, POJOs,
 * raw JSON, other numbers), a Jackson tree built and handled by {@link JsonTrees}. Plain values
 * are written directly, so an event with {@code kv("order_id", 42)} neither builds a tree nor
 * loads jackson-databind; each reader treats a plain value exactly as the tree node it replaces.
 * A name given twice keeps its first position and its last value.
 */
public final class StructuredFields {

  private static final StructuredFields EMPTY = new StructuredFields(0);

  /** Names at even indexes, values at odd ones. */
  private @Nullable Object[] slots;

  private int size;

  private StructuredFields(int capacity) {
    this.slots = new Object[capacity * 2];
  }

  /** The number of fields. */
  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** The name of field {@code i}, already cut and repaired. */
  public String name(int i) {
    return (String) slots[2 * checkIndex(i)];
  }

  /**
   * The value of field {@code i}: a String, Integer, Long, Double or Boolean, {@code null}, or a
   * Jackson tree node (see {@link #isPlain}).
   */
  public @Nullable Object value(int i) {
    return slots[2 * checkIndex(i) + 1];
  }

  private int checkIndex(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException("field " + i + " of " + size);
    }
    return i;
  }

  /** Whether a value is one of the plain types, which need no Jackson tree. */
  public static boolean isPlain(@Nullable Object value) {
    return value == null
        || value instanceof String
        || value instanceof Integer
        || value instanceof Long
        || value instanceof Double
        || value instanceof Boolean;
  }

  /** Writes a value as the tree node it stands for would be written. */
  public static void write(JsonGenerator generator, @Nullable Object value) throws IOException {
    if (value instanceof String s) {
      generator.writeString(s);
    } else if (value instanceof Integer i) {
      generator.writeNumber(i.longValue());
    } else if (value instanceof Long l) {
      generator.writeNumber(l.longValue());
    } else if (value instanceof Double d) {
      generator.writeNumber(d.doubleValue());
    } else if (value instanceof Boolean b) {
      generator.writeBoolean(b);
    } else if (value == null) {
      generator.writeNull();
    } else {
      JsonTrees.write(generator, value);
    }
  }

  /**
   * A value as text: what {@code JsonNode.asText()} gives for a plain value and for any other
   * value node, and the JSON text of an object or array.
   */
  public static String text(@Nullable Object value) {
    if (value instanceof String s) {
      return s;
    }
    if (value instanceof Integer i) {
      return NumberOutput.toString(i.intValue());
    }
    if (value instanceof Long l) {
      return NumberOutput.toString(l.longValue());
    }
    if (value instanceof Double d) {
      return NumberOutput.toString(d.doubleValue());
    }
    if (value instanceof Boolean b) {
      return b ? "true" : "false";
    }
    if (value == null) {
      return "null";
    }
    return JsonTrees.text(value);
  }

  public static StructuredFields collect(
      Object @Nullable [] arguments,
      @Nullable List<Marker> markers,
      @Nullable List<KeyValuePair> keyValuePairs,
      TextLimits limits) {
    // Created on the first field: almost every event has none or one, and this runs for every
    // event.
    StructuredFields fields = null;
    if (arguments != null) {
      for (Object argument : arguments) {
        if (argument instanceof StructuredArgument s) {
          fields = add(orNew(fields), s, limits);
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
          fields.put(pair.key, toValue(pair.value), limits);
        }
      }
    }
    return fields == null ? EMPTY : fields;
  }

  private static StructuredFields orNew(@Nullable StructuredFields fields) {
    // Sized for the usual one or two fields.
    return fields == null ? new StructuredFields(2) : fields;
  }

  /** Adds a field under its cut name, redacted; a name already present keeps its position. */
  void put(String name, @Nullable Object value, TextLimits limits) {
    String clean = limits.limit(name);
    Object redacted = redact(clean, value, limits);
    for (int i = 0; i < size; i++) {
      if (slots[2 * i].equals(clean)) {
        slots[2 * i + 1] = redacted;
        return;
      }
    }
    if (2 * size == slots.length) {
      slots = Arrays.copyOf(slots, Math.max(4, slots.length * 2));
    }
    slots[2 * size] = clean;
    slots[2 * size + 1] = redacted;
    size++;
  }

  private static StructuredFields add(
      StructuredFields fields, StructuredArgument argument, TextLimits limits) {
    // kv("order_id", 42) is by far the most common structured argument: its value is read
    // directly. Anything else is written through Jackson (JsonTrees).
    if (argument instanceof ObjectAppendingMarker marker) {
      MethodHandle fieldValue = FieldValue.HANDLE;
      if (fieldValue != null) {
        Object value;
        try {
          value = (Object) fieldValue.invokeExact(marker);
        } catch (Error e) {
          throw e;
        } catch (Throwable e) {
          value = FieldValue.FAILED;
        }
        if (value != FieldValue.FAILED) {
          fields.put(marker.getFieldName(), toValue(value), limits);
          return fields;
        }
      }
    }
    JsonTrees.addWritten(fields, argument, limits);
    return fields;
  }

  private static @Nullable StructuredFields addMarker(
      @Nullable StructuredFields fields, Marker marker, TextLimits limits) {
    StructuredFields out = fields;
    if (marker instanceof LogstashMarker && marker instanceof StructuredArgument s) {
      out = add(orNew(out), s, limits);
    }
    if (marker.hasReferences()) {
      var references = marker.iterator();
      while (references.hasNext()) {
        out = addMarker(out, references.next(), limits);
      }
    }
    return out;
  }

  /** A plain value when the argument is one (enums by name), else its Jackson tree. */
  static @Nullable Object toValue(@Nullable Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof CharSequence s) {
      return s.toString();
    }
    if (value instanceof Integer
        || value instanceof Long
        || value instanceof Double
        || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Enum<?> e) {
      return e.name();
    }
    return JsonTrees.toNode(value);
  }

  /** The value with every string cleaned, or replaced whole under a denylisted name. */
  static @Nullable Object redact(String name, @Nullable Object value, TextLimits limits) {
    if (!isPlain(value)) {
      return JsonTrees.redact(name, value, limits);
    }
    if (limits.redactor().isDenied(name)) {
      return limits.redactor().replace(text(value));
    }
    if (value instanceof String s) {
      return limits.clean(s);
    }
    return value;
  }

  /**
   * The accessor of {@code kv()}'s value, looked up on first use: a constant method handle, unlike
   * Method.invoke, is inlined by the JIT. Null when a module system forbids access; the general
   * path then does the same job more slowly.
   */
  private static final class FieldValue {
    static final @Nullable MethodHandle HANDLE = accessor();
    static final Object FAILED = new Object();

    private static @Nullable MethodHandle accessor() {
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
  }
}
