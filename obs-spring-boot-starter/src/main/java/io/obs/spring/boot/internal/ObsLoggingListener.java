// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;

/**
 * Internal: not for use outside obs. Defaults obs needs from Spring Boot's environment before Boot
 * initialises logging: Reactor's automatic context propagation, so obs's spans follow reactive
 * pipelines across threads, and no banner where obs writes the log lines. Runs just before Boot's
 * {@link LoggingApplicationListener}; the settings are added as the lowest-precedence property
 * source, so an application's own always win. (obs's log appender takes Boot's console
 * appender's place in {@link ObsLogbackLoggingSystem}.)
 */
public final class ObsLoggingListener
    implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

  @Override
  public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
    ConfigurableEnvironment environment = event.getEnvironment();
    ClassLoader classLoader = event.getSpringApplication().getClassLoader();
    Map<String, Object> defaults = new LinkedHashMap<>();
    // obs's spans follow Reactor pipelines across threads through the context-propagation
    // library, which Reactor consults only with automatic propagation on.
    if (ClassUtils.isPresent("reactor.core.publisher.Hooks", classLoader)
        && !environment.containsProperty("spring.reactor.context-propagation")) {
      defaults.put("spring.reactor.context-propagation", "auto");
    }
    // Boot prints its banner straight to standard output, before logging starts: the one line
    // that would not be obs's JSON. An application that sets banner-mode keeps its choice.
    if (ClassUtils.isPresent("io.obs.logging.ObsAppender", classLoader)
        && !ObsLogbackLoggingSystem.loggingSwitchedOff(environment)
        && !environment.containsProperty("spring.main.banner-mode")) {
      defaults.put("spring.main.banner-mode", "off");
    }
    if (!defaults.isEmpty()) {
      environment.getPropertySources().addLast(new MapPropertySource("obs-defaults", defaults));
    }
  }

  @Override
  public int getOrder() {
    return LoggingApplicationListener.DEFAULT_ORDER - 1;
  }
}
