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
 * the SDK is built, in {@link #order()}, on the thread that calls {@code init()}; {@link
 * #start(ModuleContext)} runs after the SDK and the endpoint server are up, in {@link #order()},
 * on obs's start-up thread once {@code init()} has returned (inside {@code init()} with {@code
 * fail_fast: true}); {@link #stop()} runs in reverse order at shutdown, before the SDK flushes.
 * So whatever the application may use as soon as {@code init()} returns (a sampler, a propagator,
 * a context wrapper) belongs in {@code configure}; the costly rest belongs in {@code start}.
 *
 * @since 0.1.0
 */
public interface ObservabilityModule {

  /** A short lower-case name, unique among modules: {@code tracing}, {@code metrics}, ... */
  String name();

  /** Lower runs first. Core order values: logging 50, metrics 100, tracing 200, ebpf 400. */
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

  /**
   * Whether {@code init()} must wait for this module's {@link #start}: when the configuration
   * demands the module strictly (say {@code ebpf.enabled: true}), so that {@code init()} returns
   * with it running or fails. Any enabled module answering true makes the whole start phase run
   * inside {@code init()}, as {@code fail_fast: true} does, and a {@link
   * ModuleRequirementException} from {@code start} then fails {@code init()}.
   */
  default boolean requiresStartInInit(ObsConfig config) {
    return false;
  }

  /**
   * Contributes samplers, processors, readers and propagators before the SDK is built, and
   * publishes what the application may use from the moment {@code init()} returns.
   */
  default void configure(SdkSetup setup) throws Exception {}

  /**
   * Runs instead of {@link #configure} and {@link #start} when this module is switched off
   * ({@code modules.<name>.enabled: false}) or all telemetry is ({@code enabled: false}, {@code
   * OTEL_SDK_DISABLED=true}), and when obs cannot run on the class path it finds: publishes
   * no-op versions of the components the module documents, so that the same application code
   * runs with telemetry on or off. Must be cheap, record nothing and start nothing.
   */
  default void publishDisabled(Components components) {}

  /**
   * Starts the module's own work once the SDK and endpoint server exist. Runs on obs's start-up
   * thread; components published here are what {@code Observability.component} waits for.
   */
  default void start(ModuleContext context) throws Exception {}

  /** Stops the module's own work; must return promptly and never throw for a normal stop. */
  default void stop() throws Exception {}
}
