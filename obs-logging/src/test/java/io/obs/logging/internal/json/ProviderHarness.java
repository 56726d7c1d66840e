// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.obs.logging.internal.Json;
import io.obs.logging.internal.PreparedEvent;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/** Runs one provider inside an otherwise empty JSON object. */
final class ProviderHarness {

  private ProviderHarness() {}

  static String write(ObsJsonProvider provider, PreparedEvent event) {
    StringWriter out = new StringWriter();
    try (JsonGenerator generator = Json.MAPPER.getFactory().createGenerator(out)) {
      generator.writeStartObject();
      provider.writeTo(generator, event);
      generator.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  static JsonNode parse(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
