// SPDX-License-Identifier: Apache-2.0
package io.obs.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The example alert rules shipped in docs/ stay valid. */
class AlertRulesTest {

  private static final Path RULES = Path.of("..", "docs", "alerts", "obs-rules.yml");
  private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

  @Test
  void promtoolAcceptsTheExampleRules() throws Exception {
    if (!Files.isExecutable(PROMTOOL)) {
      System.out.println("SKIP promtool check rules: /usr/bin/promtool not installed"
          + " (apt-get install prometheus)");
    }
    assumeTrue(Files.isExecutable(PROMTOOL), "promtool not installed");
    assertThat(RULES).exists();

    Process process =
        new ProcessBuilder(PROMTOOL.toString(), "check", "rules", RULES.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("SUCCESS");
  }

  @Test
  void rulesUseTheLabelsObsExposes() throws Exception {
    String rules = Files.readString(RULES);

    assertThat(rules)
        .contains("http_server_request_duration_seconds_bucket")
        .contains("http_response_status_code")
        .contains("jvm_gc_pause_seconds")
        .contains("by (service, env");
  }
}
