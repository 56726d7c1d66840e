// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal.json;

import com.fasterxml.jackson.core.JsonGenerator;
import io.obs.logging.LogFields;
import io.obs.logging.internal.FieldNames;
import io.obs.logging.internal.PreparedEvent;
import java.io.IOException;

/**
 * Internal: not for use outside obs. Writes {@code level}, {@code logger}, {@code thread} and
 * {@code message} (already redacted and cut by {@link PreparedEvent}).
 */
public final class CoreFieldsJsonProvider extends ObsJsonProvider {

  private final String level;
  private final String logger;
  private final String thread;
  private final String message;

  public CoreFieldsJsonProvider(FieldNames names) {
    this.level = names.get(LogFields.LEVEL);
    this.logger = names.get(LogFields.LOGGER);
    this.thread = names.get(LogFields.THREAD);
    this.message = names.get(LogFields.MESSAGE);
  }

  @Override
  protected void write(JsonGenerator generator, PreparedEvent event) throws IOException {
    generator.writeStringField(level, event.getLevel().levelStr);
    generator.writeStringField(logger, event.getLoggerName());
    generator.writeStringField(thread, event.getThreadName());
    generator.writeStringField(message, event.getFormattedMessage());
  }
}
