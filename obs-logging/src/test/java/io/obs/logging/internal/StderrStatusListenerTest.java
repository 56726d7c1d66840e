// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.status.ErrorStatus;
import ch.qos.logback.core.status.InfoStatus;
import ch.qos.logback.core.status.WarnStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StderrStatusListenerTest {

  private final LoggerContext context = new LoggerContext();
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void printsWarningsAndErrorsOnlyAndThoseFromBeforeItWasInstalled() {
    context.getStatusManager().add(new InfoStatus("found no logback.xml", this));
    context.getStatusManager().add(new WarnStatus("appender named [X] not referenced", this));

    StderrStatusListener.install(context, out);
    context.getStatusManager().add(new InfoStatus("configured", this));
    context.getStatusManager().add(
        new ErrorStatus("could not open file", this, new IOException("/var/log/app: denied")));

    assertThat(printed().lines()).containsExactly(
        "obs-logging: Logback WARN: appender named [X] not referenced",
        "obs-logging: Logback ERROR: could not open file"
            + " (java.io.IOException: /var/log/app: denied)");
  }

  @Test
  void aSecondInstallIsRefusedSoNothingIsPrintedTwice() {
    context.getStatusManager().add(new WarnStatus("once", this));
    StderrStatusListener.install(context, out);
    StderrStatusListener.install(context, out);
    context.getStatusManager().add(new WarnStatus("twice?", this));

    assertThat(printed().lines()).containsExactly(
        "obs-logging: Logback WARN: once", "obs-logging: Logback WARN: twice?");
  }

  @Test
  void stopsPrintingAfterTheCapAndSaysSo() {
    StderrStatusListener.install(context, out);
    for (int i = 0; i < StderrStatusListener.MAX_PRINTED + 50; i++) {
      context.getStatusManager().add(new WarnStatus("queue full " + i, this));
    }

    assertThat(printed().lines()).hasSize(StderrStatusListener.MAX_PRINTED);
    assertThat(printed().lines().reduce((a, b) -> b).orElseThrow())
        .isEqualTo("obs-logging: Logback WARN: queue full " + (StderrStatusListener.MAX_PRINTED - 1)
            + " [" + StderrStatusListener.MAX_PRINTED
            + " Logback problems printed; further ones are not]");
  }

  @Test
  void survivesAReconfigurationOfTheContext() {
    StderrStatusListener.install(context, out);
    context.reset();
    context.getStatusManager().add(new ErrorStatus("bad logback.xml after reload", this));

    assertThat(printed()).contains("bad logback.xml after reload");
  }
}
