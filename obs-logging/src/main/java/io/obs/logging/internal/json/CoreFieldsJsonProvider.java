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

  private final JsonName level;
  private final JsonName logger;
  private final JsonName thread;
  private final JsonName message;

  public CoreFieldsJsonProvider(FieldNames names) {
    this.level = new JsonName(names.get(LogFields.LEVEL));
    this.logger = new JsonName(names.get(LogFields.LOGGER));
    this.thread = new JsonName(names.get(LogFields.THREAD));
    this.message = new JsonName(names.get(LogFields.MESSAGE));
  }

  @Override
  protected void write(JsonGenerator generator, PreparedEvent event) throws IOException {
    level.writeString(generator, event.getLevel().levelStr);
    logger.writeString(generator, event.getLoggerName());
    thread.writeString(generator, event.getThreadName());
    message.writeString(generator, event.getFormattedMessage());
  }
}
