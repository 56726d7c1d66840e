// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal.json;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.core.JsonGenerator;
import io.obs.logging.internal.PreparedEvent;
import java.io.IOException;
import net.logstash.logback.composite.AbstractJsonProvider;

/**
 * Internal: not for use outside obs. Base of obs's JSON providers: each writes one concern of a
 * {@link PreparedEvent}, which the encoder hands to every provider.
 */
public abstract class ObsJsonProvider extends AbstractJsonProvider<ILoggingEvent> {

  @Override
  public final void writeTo(JsonGenerator generator, ILoggingEvent event) throws IOException {
    if (event instanceof PreparedEvent prepared) {
      write(generator, prepared);
    }
  }

  protected abstract void write(JsonGenerator generator, PreparedEvent event) throws IOException;
}
