// SPDX-License-Identifier: Apache-2.0
package io.obs.metrics;

/**
 * The value behind one series of a business gauge: set it whenever the measured thing changes.
 * Reads and writes are atomic.
 *
 * @since 0.1.0
 */
public final class GaugeValue {

  private volatile double value = Double.NaN;

  GaugeValue() {}

  /** Sets the current value. */
  public void set(double value) {
    this.value = value;
  }

  /** The current value, {@code NaN} until the first {@link #set}. */
  public double get() {
    return value;
  }
}
