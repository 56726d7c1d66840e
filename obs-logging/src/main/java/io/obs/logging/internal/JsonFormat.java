// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Context;
import io.obs.logging.LogFields;
import io.obs.logging.internal.json.BaggageJsonProvider;
import io.obs.logging.internal.json.CoreFieldsJsonProvider;
import io.obs.logging.internal.json.ErrorJsonProvider;
import io.obs.logging.internal.json.MdcJsonProvider;
import io.obs.logging.internal.json.RequestIdJsonProvider;
import io.obs.logging.internal.json.ResourceJsonProvider;
import io.obs.logging.internal.json.StructuredFieldsJsonProvider;
import io.obs.logging.internal.json.TimestampJsonProvider;
import io.obs.logging.internal.json.TraceContextJsonProvider;
import net.logstash.logback.composite.JsonProviders;
import net.logstash.logback.encoder.LoggingEventCompositeJsonEncoder;

/**
 * Internal: not for use outside obs. One JSON object per line, written by
 * logstash-logback-encoder's composite encoder with obs's providers, in this order: timestamp,
 * level, logger, thread, message, resource, trace context, request id, baggage, MDC, structured
 * fields, error.
 */
public final class JsonFormat implements EventFormat {

  private final LoggingEventCompositeJsonEncoder encoder;

  public JsonFormat(Context context, LogSettings settings) {
    FieldNames names = settings.fieldNames();
    JsonProviders<ILoggingEvent> providers = new JsonProviders<>();
    providers.addProvider(new TimestampJsonProvider(names.get(LogFields.TIMESTAMP)));
    providers.addProvider(new CoreFieldsJsonProvider(names));
    providers.addProvider(new ResourceJsonProvider(names, settings));
    providers.addProvider(new TraceContextJsonProvider(names));
    providers.addProvider(new RequestIdJsonProvider(names));
    providers.addProvider(new BaggageJsonProvider(names));
    providers.addProvider(new MdcJsonProvider(names));
    providers.addProvider(new StructuredFieldsJsonProvider(names));
    providers.addProvider(new ErrorJsonProvider(names));
    encoder = new LoggingEventCompositeJsonEncoder();
    encoder.setContext(context);
    encoder.setProviders(providers);
    encoder.setFindAndRegisterJacksonModules(false);
    encoder.setLineSeparator("UNIX");
    encoder.start();
  }

  @Override
  public byte[] format(PreparedEvent event) {
    return encoder.encode(event);
  }

  @Override
  public void stop() {
    encoder.stop();
  }
}
