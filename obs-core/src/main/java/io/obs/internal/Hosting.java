// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import io.obs.Observability;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. How a framework integration of obs (the Spring Boot starter)
 * starts obs with the framework's settings and reaches the running instance's internals, without
 * a public method on {@link Observability} that applications would see. {@code Observability}
 * registers the access when its class initialises.
 */
public final class Hosting {

  /** What {@link Observability} lets obs's own integrations do. */
  public interface Access {
    /** Builds (or returns the running instance of) obs as started by a framework. */
    Observability build(Observability.Builder builder, HostSettings host);

    /** The runtime behind an instance. */
    ObservabilityRuntime runtime(Observability observability);
  }

  private static volatile @Nullable Access access;

  private Hosting() {}

  /** Called once, by {@link Observability}'s class initialiser; later calls are ignored. */
  public static void register(Access implementation) {
    synchronized (Hosting.class) {
      if (access == null) {
        access = Objects.requireNonNull(implementation, "implementation");
      }
    }
  }

  /**
   * Starts obs from {@code builder} plus the framework's settings, or returns the running
   * instance (with a WARN when the framework's settings would have made a different one).
   */
  public static Observability init(Observability.Builder builder, HostSettings host) {
    return access(builder).build(builder, host);
  }

  /** The runtime of a running instance: readiness, start-up state, the configuration's origin. */
  public static ObservabilityRuntime runtime(Observability observability) {
    return access(observability).runtime(observability);
  }

  private static Access access(Object fromObservability) {
    // Any Observability or Builder exists only once Observability's class has initialised.
    Objects.requireNonNull(fromObservability, "observability");
    Access registered = access;
    if (registered == null) {
      throw new IllegalStateException("io.obs.Observability did not register its access");
    }
    return registered;
  }
}
