// SPDX-License-Identifier: Apache-2.0
package io.obs.examples.shop.edges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.micrometer.core.instrument.Metrics;
import io.obs.Observability;
import io.obs.config.ConfigProblem;
import io.obs.config.ObsConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One way to reject bad configuration: a bad value in any module's keys (core, tracing, metrics,
 * logging, eBPF) is reported in the one {@link ObsConfigException}, each with its position, and
 * nothing starts; no module is switched off for a bad value while the others go on.
 */
class OneConfigErrorTest {

  @Test
  void badValuesOfEveryModuleAppearTogetherAndNothingStarts() {
    String yaml = String.join("\n",
        "service:",
        "  name: edges",
        "server:",
        "  port: 99999",
        "traces:",
        "  sampler:",
        "    type: sometimes",
        "metrics:",
        "  http:",
        "    buckets: [fast]",
        "logs:",
        "  levels:",
        "    root: loud",
        "ebpf:",
        "  syscalls: [opneat]",
        "");
    int registries = Metrics.globalRegistry.getRegistries().size();

    ObsConfigException error = catchThrowableOfType(ObsConfigException.class,
        () -> Observability.builder().setConfigYaml(yaml).setEnvironment(Map.of())
            .setSystemProperties(Map.of()).build());

    assertThat(error).isNotNull();
    assertThat(error.problems()).extracting(ConfigProblem::key).contains("server.port",
        "traces.sampler.type", "metrics.http.buckets", "logs.levels", "ebpf.syscalls");
    assertThat(error.getMessage()).contains("unknown syscall 'opneat'; did you mean 'openat'?");
    assertThat(error.problems()).allMatch(p -> p.location().startsWith("<inline>:"));
    assertThat(error.getMessage()).contains("nothing was started");
    assertThat(Metrics.globalRegistry.getRegistries()).hasSize(registries);
  }
}
