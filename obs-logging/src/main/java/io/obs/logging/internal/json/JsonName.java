// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. A fixed field name, encoded once: the generator then copies
 * its bytes instead of escaping and encoding the name on every event. Only names of printable
 * ASCII without quote or backslash are pre-encoded — for those the bytes are exactly what writing
 * the name as a String gives; any other (renamed) field is written as a String, as before.
 */
final class JsonName {

  private final String name;
  private final boolean plain;

  /**
   * Created with the first line rather than here: the providers are built while Logback starts,
   * and this is the first jackson-core class they would load. A racing thread may create a second
   * one, equal to the first.
   */
  private volatile @Nullable SerializedString encoded;

  JsonName(String name) {
    this.name = name;
    this.plain = isPlainAscii(name);
  }

  void write(JsonGenerator generator) throws IOException {
    if (!plain) {
      generator.writeFieldName(name);
      return;
    }
    SerializedString e = encoded;
    if (e == null) {
      e = new SerializedString(name);
      encoded = e;
    }
    generator.writeFieldName(e);
  }

  /** Writes this name and a string value, as {@code writeStringField} does. */
  void writeString(JsonGenerator generator, String value) throws IOException {
    write(generator);
    generator.writeString(value);
  }

  private static boolean isPlainAscii(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }
}
