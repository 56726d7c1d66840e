// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.obs.internal.HostSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class SpringSettingsTest {

  private static StandardEnvironment environment(Map<String, Object> first,
      Map<String, Object> second) {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().addLast(new MapPropertySource("profile", first));
    environment.getPropertySources().addLast(new MapPropertySource("base", second));
    return environment;
  }

  @Test
  void obsPropertiesKeepTheirSourceRankAndResolvePlaceholders() {
    Map<String, Object> profile = new LinkedHashMap<>();
    profile.put("obs.traces.baggage.attributes[0]", "tenant");
    profile.put("app.ratio", "0.25");
    profile.put("obs.traces.sampler.ratio", "${app.ratio}");
    Map<String, Object> base = Map.of("obs.traces.baggage.attributes[0]", "region",
        "obs.traces.baggage.attributes[1]", "user", "unrelated", "x");

    HostSettings settings = SpringSettings.from(environment(profile, base));

    assertThat(settings.name()).startsWith("Spring Boot ");
    assertThat(settings.properties()).extracting(HostSettings.Property::name,
            HostSettings.Property::value, HostSettings.Property::source)
        .contains(
            org.assertj.core.groups.Tuple.tuple("traces.baggage.attributes[0]", "tenant", 0),
            org.assertj.core.groups.Tuple.tuple("traces.sampler.ratio", "0.25", 0),
            org.assertj.core.groups.Tuple.tuple("traces.baggage.attributes[1]", "user", 1));
    assertThat(settings.properties()).noneMatch(p -> p.name().equals("unrelated"));
    assertThat(settings.properties()).allMatch(p -> p.location().startsWith("property obs."));
  }

  @Test
  void environmentVariablesAndSystemPropertiesAreLeftToObs() {
    StandardEnvironment environment = environment(Map.of(), Map.of());
    System.setProperty("obs.server.port", "1234");
    try {
      assertThat(SpringSettings.from(environment).properties()).isEmpty();
    } finally {
      System.clearProperty("obs.server.port");
    }
  }

  @Test
  void bootSettingsWithTheSameMeaningBecomeDefaultsAndTheOthersAreReported() {
    Map<String, Object> boot = new LinkedHashMap<>();
    boot.put("spring.application.name", "checkout");
    boot.put("management.tracing.sampling.probability", "0.1");
    boot.put("management.tracing.propagation.type", "b3,w3c");
    boot.put("management.otlp.tracing.endpoint", "http://collector:4318/v1/traces");
    boot.put("logging.structured.format.console", "ecs");
    StandardEnvironment environment = environment(boot, Map.of());

    List<HostSettings.Property> defaults = BootProperties.defaults(environment);
    assertThat(defaults).extracting(HostSettings.Property::name, HostSettings.Property::value)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("service.name", "checkout"),
            org.assertj.core.groups.Tuple.tuple("traces.sampler.ratio", "0.1"),
            org.assertj.core.groups.Tuple.tuple("traces.sampler.type", "ratio"),
            org.assertj.core.groups.Tuple.tuple("traces.propagators",
                "b3,tracecontext,baggage"));
    assertThat(defaults).allMatch(p -> p.location().endsWith(")"));
    assertThat(BootProperties.notRead(environment))
        .anyMatch(line -> line.startsWith("management.otlp.tracing.endpoint")
            && line.contains("obs.exporter.endpoint"))
        .anyMatch(line -> line.startsWith("logging.structured.format.console")
            && line.contains("obs.logs.format"))
        .hasSize(2);
  }

  @Test
  void unknownBootPropagationIsReportedNotMapped() {
    assertThat(BootProperties.propagators("W3C")).isEqualTo("tracecontext,baggage");
    assertThat(BootProperties.propagators("B3_MULTI")).isEqualTo("b3multi");
    assertThat(BootProperties.propagators("aws")).isNull();
  }
}
