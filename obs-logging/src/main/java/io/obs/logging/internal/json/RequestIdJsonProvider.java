// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal.json;

import com.fasterxml.jackson.core.JsonGenerator;
import io.obs.logging.LogFields;
import io.obs.logging.internal.FieldNames;
import io.obs.logging.internal.PreparedEvent;
import java.io.IOException;

/**
 * Internal: not for use outside obs. Writes {@code http.request.id} from {@link
 * io.obs.RequestContext} when the event was logged while a request was served.
 */
public final class RequestIdJsonProvider extends ObsJsonProvider {

  private final JsonName fieldName;

  public RequestIdJsonProvider(FieldNames names) {
    this.fieldName = new JsonName(names.get(LogFields.REQUEST_ID));
  }

  @Override
  protected void write(JsonGenerator generator, PreparedEvent event) throws IOException {
    String requestId = event.requestId();
    if (requestId != null) {
      fieldName.writeString(generator, requestId);
    }
  }
}
