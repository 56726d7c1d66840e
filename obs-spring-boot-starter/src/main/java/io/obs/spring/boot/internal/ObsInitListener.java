// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.internal;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;

/**
 * Internal: not for use outside obs. Starts obs as soon as Spring Boot has prepared the
 * environment and set up logging (it runs right after Boot's {@link LoggingApplicationListener}):
 * {@code obs.*} properties are readable, Logback has its final configuration for obs to adjust,
 * and no bean exists yet, so every bean and every line the application logs finds obs running.
 * A configuration error fails the application's start here, before anything else starts.
 */
public final class ObsInitListener
    implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

  @Override
  public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
    // Spring Cloud prepares a bootstrap environment first; obs starts with the application's.
    if (event.getEnvironment().getPropertySources().contains("bootstrap")) {
      return;
    }
    ObsStarter.obtain(event.getEnvironment());
  }

  @Override
  public int getOrder() {
    return LoggingApplicationListener.DEFAULT_ORDER + 1;
  }
}
