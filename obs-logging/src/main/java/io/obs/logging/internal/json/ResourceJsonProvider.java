// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal.json;

import com.fasterxml.jackson.core.JsonGenerator;
import io.obs.logging.LogFields;
import io.obs.logging.internal.FieldNames;
import io.obs.logging.internal.LogSettings;
import io.obs.logging.internal.PreparedEvent;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. Writes {@code service.name}, {@code service.version} and
 * {@code deployment.environment}, the same values the resource of every span and metric carries,
 * so that Loki's {@code service}/{@code env} labels match Prometheus'. Unknown values are left
 * out rather than written empty.
 */
public final class ResourceJsonProvider extends ObsJsonProvider {

  private final JsonName nameField;
  private final JsonName versionField;
  private final JsonName environmentField;
  private final @Nullable String name;
  private final @Nullable String version;
  private final @Nullable String environment;

  public ResourceJsonProvider(FieldNames names, LogSettings settings) {
    this.nameField = new JsonName(names.get(LogFields.SERVICE_NAME));
    this.versionField = new JsonName(names.get(LogFields.SERVICE_VERSION));
    this.environmentField = new JsonName(names.get(LogFields.DEPLOYMENT_ENVIRONMENT));
    this.name = settings.serviceName();
    this.version = settings.serviceVersion();
    this.environment = settings.environment();
  }

  @Override
  protected void write(JsonGenerator generator, PreparedEvent event) throws IOException {
    if (name != null) {
      nameField.writeString(generator, name);
    }
    if (version != null) {
      versionField.writeString(generator, version);
    }
    if (environment != null) {
      environmentField.writeString(generator, environment);
    }
  }
}
