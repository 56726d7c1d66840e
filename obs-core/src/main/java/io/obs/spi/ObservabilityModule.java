// SPDX-License-Identifier: Apache-2.0
package io.obs.spi;

import io.obs.config.ConfigKey;
import io.obs.config.ConfigProblem;
import io.obs.config.ObsConfig;
import java.util.List;

/**
 * A piece of obs that attaches to the one shared OpenTelemetry SDK. Implementations are found with
 * {@link java.util.ServiceLoader}: putting a module's jar on the classpath switches it on, and
 * {@code modules.<name>.enabled: false} in {@code obs.yaml} switches it off.
 *
 * <p>Lifecycle: {@link #configKeys()} is read before the configuration is validated (so the
 * module's keys are known and unknown keys are reported); {@link #validate(ObsConfig)} adds the
 * module's own checks; {@link #configure(SdkSetup)} runs before
 * the SDK is built, in {@link #order()}; {@link #start(ModuleContext)} runs after the SDK and the
 * endpoint server are up, in {@link #order()}; {@link #stop()} runs in reverse order at shutdown,
 * before the SDK flushes.
 *
 * @since 0.1.0
 */
public interface ObservabilityModule {

  /** A short lower-case name, unique among modules: {@code tracing}, {@code metrics}, ... */
  String name();

  /** Lower runs first. Core order values: metrics 100, tracing 200, logging 300, ebpf 400. */
  default int order() {
    return 1000;
  }

  /** Keys this module reads from {@code obs.yaml}; they are validated with the core keys. */
  default List<ConfigKey<?>> configKeys() {
    return List.of();
  }

  /**
   * Checks values only this module understands (a regex, a level name, a combination of keys),
   * after every key passed type validation. The problems join the one {@code ObsConfigException}
   * with the core problems, so nothing starts; name locations with {@code config.sourceOf(key)}.
   */
  default List<ConfigProblem> validate(ObsConfig config) {
    return List.of();
  }

  /** Contributes samplers, processors, readers and propagators before the SDK is built. */
  default void configure(SdkSetup setup) throws Exception {}

  /** Starts the module's own work once the SDK and endpoint server exist. */
  default void start(ModuleContext context) throws Exception {}

  /** Stops the module's own work; must return promptly and never throw for a normal stop. */
  default void stop() throws Exception {}
}
