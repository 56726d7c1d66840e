// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal.json;

import com.fasterxml.jackson.core.JsonGenerator;
import io.obs.logging.internal.FieldNames;
import io.obs.logging.internal.LogSettings;
import io.obs.logging.internal.PreparedEvent;
import java.io.IOException;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. Writes the MDC entries (redacted) as top-level fields,
 * except obs's own trace keys, which {@link TraceContextJsonProvider} writes from the span itself,
 * and any key that would collide with an obs field.
 */
public final class MdcJsonProvider extends ObsJsonProvider {

  private final FieldNames names;

  // One entry writer per thread, reused: a lambda capturing the generator would be one more
  // object per event.
  private final ThreadLocal<EntryWriter> writers;

  public MdcJsonProvider(FieldNames names) {
    this.names = names;
    this.writers =
        new ThreadLocal<>() {
          @Override
          protected EntryWriter initialValue() {
            return new EntryWriter(names);
          }
        };
  }

  @Override
  protected void write(JsonGenerator generator, PreparedEvent event) throws IOException {
    // forEach, not an entry iterator: Logback's MDC map is an unmodifiable wrapper, whose
    // iterator wraps every entry, while forEach walks the HashMap inside directly.
    EntryWriter writer = writers.get();
    if (writer.generator != null) {
      // Re-entered on this thread while writing: use a writer of its own.
      writer = new EntryWriter(names);
    }
    writer.generator = generator;
    try {
      event.mdcFields().forEach(writer);
      IOException failure = writer.failure;
      if (failure != null) {
        throw failure;
      }
    } finally {
      writer.generator = null;
      writer.failure = null;
    }
  }

  private static final class EntryWriter implements BiConsumer<String, String> {
    private final FieldNames names;
    @Nullable JsonGenerator generator;
    @Nullable IOException failure;

    EntryWriter(FieldNames names) {
      this.names = names;
    }

    @Override
    public void accept(String key, String value) {
      JsonGenerator g = generator;
      if (g == null || failure != null) {
        return;
      }
      if (!LogSettings.isTraceKey(key) && !names.isReserved(key)) {
        try {
          g.writeStringField(key, value);
        } catch (IOException e) {
          failure = e;
        }
      }
    }
  }
}
