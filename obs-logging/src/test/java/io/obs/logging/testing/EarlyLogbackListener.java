// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.slf4j.LoggerFactory;

/**
 * Starts Logback (and with it obs's configurator, which installs the MDC context-storage wrapper)
 * before any test touches the OpenTelemetry context, as {@code LoggerFactory.getLogger} in a
 * {@code main} class does in an application.
 */
public final class EarlyLogbackListener implements LauncherSessionListener {

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    LoggerFactory.getLogger(EarlyLogbackListener.class);
  }
}
