// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import java.net.URL;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. Finds a Logback configuration of the user's own, looking
 * where Logback 1.5 itself looks: the {@code logback.configurationFile} system property, then
 * {@code logback-test.xml} and {@code logback.xml} on the class path (DefaultJoranConfigurator),
 * and the serialized models {@code logback.scmoFile}, {@code logback-test.scmo}, {@code
 * logback.scmo} (SerializedModelConfigurator). Logback runs {@code Configurator} services
 * <em>before</em> those built-in configurators, so obs must check for them itself to let the
 * user's file win.
 */
public final class UserLogbackConfig {

  private static final String[] RESOURCES = {
    "logback-test.xml", "logback.xml", "logback-test.scmo", "logback.scmo"
  };

  private UserLogbackConfig() {}

  /** Where the user's configuration is, if there is one. */
  public static Optional<String> find(
      @Nullable ClassLoader classLoader, UnaryOperator<@Nullable String> systemProperties) {
    for (String property : new String[] {"logback.configurationFile", "logback.scmoFile"}) {
      String value = systemProperties.apply(property);
      if (value != null && !value.isBlank()) {
        return Optional.of("system property " + property + "=" + value);
      }
    }
    ClassLoader loader = classLoader != null ? classLoader : ClassLoader.getSystemClassLoader();
    for (String resource : RESOURCES) {
      URL url = loader.getResource(resource);
      if (url != null) {
        return Optional.of(url.toString());
      }
    }
    return Optional.empty();
  }
}
