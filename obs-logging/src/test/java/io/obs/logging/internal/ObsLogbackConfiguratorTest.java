// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.status.StatusUtil;
import io.obs.logging.ObsAppender;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObsLogbackConfiguratorTest {

  private final LoggerContext context = new LoggerContext();

  @TempDir Path classpathDir;

  @AfterEach
  void stop() {
    context.stop();
  }

  private ClassLoader classpath(String... files) throws Exception {
    for (String file : files) {
      Files.writeString(classpathDir.resolve(file), "<configuration/>");
    }
    return new URLClassLoader(new URL[] {classpathDir.toUri().toURL()}, null);
  }

  @Test
  void withoutAUserFileObsAttachesItsAppenderToRootAndStopsTheChain() throws Exception {
    ObsLogbackConfigurator configurator =
        new ObsLogbackConfigurator(classpath(), Map.<String, String>of()::get);
    configurator.setContext(context);
    assertThat(configurator.configure(context))
        .isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertThat(root.getAppender(ObsLogbackConfigurator.APPENDER_NAME))
        .isInstanceOf(ObsAppender.class)
        .matches(a -> a.isStarted());
    assertThat(root.getLevel()).hasToString("INFO");
    // With a listener in place Logback skips StatusPrinter and its time-zone set-up.
    assertThat(StatusUtil.contextHasStatusListener(context)).isTrue();
  }

  @Test
  void logbackXmlOnTheClasspathWins() throws Exception {
    assertUserFileWins(classpath("logback.xml"), Map.of());
  }

  @Test
  void logbackTestXmlOnTheClasspathWins() throws Exception {
    assertUserFileWins(classpath("logback-test.xml"), Map.of());
  }

  @Test
  void configurationFilePropertyWins() throws Exception {
    assertUserFileWins(classpath(), Map.of("logback.configurationFile", "/etc/app/logback.xml"));
  }

  private void assertUserFileWins(ClassLoader loader, Map<String, String> properties) {
    ObsLogbackConfigurator configurator = new ObsLogbackConfigurator(loader, properties::get);
    configurator.setContext(context);
    assertThat(configurator.configure(context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders()).isExhausted();
    // The user's file is parsed next; its problems reach stderr through obs's listener.
    assertThat(StatusUtil.contextHasStatusListener(context)).isTrue();
  }

  @Test
  void userFileIsFoundWhereLogbackItselfLooks() throws Exception {
    assertThat(UserLogbackConfig.find(classpath(), Map.<String, String>of()::get)).isEmpty();
    assertThat(UserLogbackConfig.find(classpath("logback.scmo"), Map.<String, String>of()::get))
        .hasValueSatisfying(v -> assertThat(v).endsWith("logback.scmo"));
  }
}
