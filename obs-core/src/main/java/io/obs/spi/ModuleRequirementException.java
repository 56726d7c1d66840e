// SPDX-License-Identifier: Apache-2.0
package io.obs.spi;

/**
 * Thrown from {@link ObservabilityModule#configure} or {@link ObservabilityModule#start} when the
 * configuration demands the module (for example {@code ebpf.enabled: true}) and it cannot run.
 * Unlike other module failures, it fails {@code Observability.init()} whatever {@code fail_fast}
 * says: the user asked for this module explicitly. {@code start} normally runs after {@code init()}
 * has returned; a module that may throw this from {@code start} answers true to {@link
 * ObservabilityModule#requiresStartInInit} for that configuration, otherwise the failure can only
 * be logged.
 *
 * @since 0.1.0
 */
public final class ModuleRequirementException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ModuleRequirementException(String message) {
    super(message);
  }

  public ModuleRequirementException(String message, Throwable cause) {
    super(message, cause);
  }
}
