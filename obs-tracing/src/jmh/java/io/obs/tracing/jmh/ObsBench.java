// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.jmh;

import io.obs.Observability;
import java.util.Map;

/** Starts obs for a benchmark fork (one instance per JVM). */
final class ObsBench {
  private ObsBench() {}

  static Observability start(Map<String, String> overrides) {
    Observability.Builder builder = Observability.builder()
        .setConfigYaml("service:\n  name: jmh\nserver:\n  enabled: false\nmetrics:\n  exporter: none\n")
        .setEnvironment(Map.of())
        .setSystemProperties(Map.of())
        .addSpanExporter(new NoopExporter())
        .setRegisterGlobal(false);
    overrides.forEach(builder::set);
    return builder.build();
  }
}
