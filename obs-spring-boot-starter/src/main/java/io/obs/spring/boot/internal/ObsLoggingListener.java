// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;

/**
 * Internal: not for use outside obs. Points Spring Boot's logging system at obs's Logback
 * configuration (obs's appender on the root logger) when the application has no Logback file of
 * its own. Boot resets Logback when it starts and, without a file, installs its console pattern,
 * which would drop obs's JSON lines, their trace ids and the redaction of personal data. Boot
 * still applies {@code logging.level.*} on top. Runs just before Boot's {@link
 * LoggingApplicationListener}; the settings are added as the lowest-precedence property source,
 * so an application's own {@code logging.config} always wins.
 */
public final class ObsLoggingListener
    implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

  /** obs's Logback configuration for Boot: obs's appender on the root logger at INFO. */
  static final String LOGBACK_CONFIG = "classpath:io/obs/spring/boot/internal/logback-obs.xml";

  /** The Logback files Boot looks for before falling back to its defaults. */
  private static final List<String> BOOT_LOGBACK_FILES = List.of(
      "logback-test.xml", "logback.xml", "logback-test-spring.xml", "logback-spring.xml");

  @Override
  public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
    ConfigurableEnvironment environment = event.getEnvironment();
    ClassLoader classLoader = event.getSpringApplication().getClassLoader();
    Map<String, Object> defaults = new LinkedHashMap<>();
    if (usesObsLogging(environment, classLoader)) {
      defaults.put("logging.config", LOGBACK_CONFIG);
    }
    // obs's spans follow Reactor pipelines across threads through the context-propagation
    // library, which Reactor consults only with automatic propagation on.
    if (ClassUtils.isPresent("reactor.core.publisher.Hooks", classLoader)
        && !environment.containsProperty("spring.reactor.context-propagation")) {
      defaults.put("spring.reactor.context-propagation", "auto");
    }
    if (!defaults.isEmpty()) {
      environment.getPropertySources().addLast(new MapPropertySource("obs-defaults", defaults));
    }
  }

  private static boolean usesObsLogging(ConfigurableEnvironment environment,
      ClassLoader classLoader) {
    if (!ClassUtils.isPresent("io.obs.logging.ObsAppender", classLoader)
        || !ClassUtils.isPresent("ch.qos.logback.classic.LoggerContext", classLoader)
        || environment.containsProperty("logging.config")
        || System.getProperty(LoggingSystem.SYSTEM_PROPERTY) != null
        || "false".equalsIgnoreCase(environment.getProperty("obs.modules.logging.enabled"))) {
      return false;
    }
    for (String file : BOOT_LOGBACK_FILES) {
      if (classLoader.getResource(file) != null) {
        return false; // Boot reads the application's own file; obs's appender belongs in it
      }
    }
    return true;
  }

  @Override
  public int getOrder() {
    return LoggingApplicationListener.DEFAULT_ORDER - 1;
  }
}
