// SPDX-License-Identifier: Apache-2.0
package io.obs.examples.shop.docs;

import io.obs.config.ConfigKey;
import io.obs.config.CoreKeys;
import io.obs.spi.ObservabilityModule;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/** Every configuration key obs knows with all modules on the class path, as init() sees them. */
final class ObsKeys {

  private ObsKeys() {}

  static List<ConfigKey<?>> all() {
    List<ConfigKey<?>> keys = new ArrayList<>(CoreKeys.ALL);
    for (ObservabilityModule module : ServiceLoader.load(ObservabilityModule.class)) {
      keys.add(CoreKeys.moduleEnabled(module.name()));
      keys.addAll(module.configKeys());
    }
    return keys;
  }

  /** Names of the environment variables that set a key: OBS_* and the OTEL_* aliases. */
  static Set<String> environmentVariables() {
    Set<String> names = new TreeSet<>();
    for (ConfigKey<?> key : all()) {
      names.add(key.environmentVariable());
      for (ConfigKey.Alias alias : key.aliases()) {
        names.add(alias.environmentVariable());
      }
    }
    return names;
  }
}
