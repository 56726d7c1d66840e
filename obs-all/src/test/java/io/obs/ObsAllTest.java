// SPDX-License-Identifier: Apache-2.0
package io.obs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** obs-all is the README's one dependency: with it alone, every module is there and starts. */
class ObsAllTest {

  @Test
  void everyModuleStartsFromTheOneDependency() throws InterruptedException {
    try (Observability obs = Observability.builder()
        .setConfigYaml("service:\n  name: obs-all\n")
        .set("server.enabled", "false")
        .build()) {
      assertThat(obs.awaitStarted(Duration.ofSeconds(30))).isTrue();
      assertThat(obs.modules()).contains("logging", "tracing", "metrics", "ebpf");
    }
  }
}
