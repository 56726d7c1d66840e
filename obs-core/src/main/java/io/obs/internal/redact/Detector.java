// SPDX-License-Identifier: Apache-2.0
package io.obs.internal.redact;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. Finds one kind of secret or personal data in text. The
 * {@link Redactor} runs a detector only on texts whose {@link Prescan} flags include {@link
 * #requires()}, because almost every log line has nothing to hide and the regular expression is
 * the expensive part.
 */
public interface Detector {

  /** Short name used in configuration ({@code redaction.detectors}). */
  String name();

  /**
   * The {@link Prescan} flag a text must have for this detector to run, or {@link
   * Prescan#ALWAYS}.
   */
  int requires();

  /**
   * Adds every finding in {@code text} to {@code out}, creating the list on the first finding
   * (almost every text has none, and then nothing is allocated).
   *
   * @return {@code out}, or the new list
   */
  @Nullable
  List<Finding> find(String text, @Nullable List<Finding> out);
}
