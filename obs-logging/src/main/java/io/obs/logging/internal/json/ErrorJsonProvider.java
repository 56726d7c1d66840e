// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal.json;

import com.fasterxml.jackson.core.JsonGenerator;
import io.obs.logging.LogFields;
import io.obs.logging.internal.FieldNames;
import io.obs.logging.internal.PreparedEvent;
import java.io.IOException;

/**
 * Internal: not for use outside obs. Writes {@code error.type}, {@code error.message} (redacted)
 * and {@code error.stack_trace} (causes included, at most {@code logs.stack_trace.max_depth}
 * frames per throwable, messages redacted) when the event carries a throwable.
 */
public final class ErrorJsonProvider extends ObsJsonProvider {

  private final JsonName type;
  private final JsonName message;
  private final JsonName stackTrace;

  public ErrorJsonProvider(FieldNames names) {
    this.type = new JsonName(names.get(LogFields.ERROR_TYPE));
    this.message = new JsonName(names.get(LogFields.ERROR_MESSAGE));
    this.stackTrace = new JsonName(names.get(LogFields.ERROR_STACK_TRACE));
  }

  @Override
  protected void write(JsonGenerator generator, PreparedEvent event) throws IOException {
    String errorType = event.errorType();
    if (errorType == null) {
      return;
    }
    type.writeString(generator, errorType);
    String errorMessage = event.errorMessage();
    if (errorMessage != null) {
      message.writeString(generator, errorMessage);
    }
    String trace = event.stackTrace();
    if (trace != null) {
      stackTrace.writeString(generator, trace);
    }
  }
}
