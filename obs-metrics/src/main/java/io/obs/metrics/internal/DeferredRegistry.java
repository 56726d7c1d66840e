// SPDX-License-Identifier: Apache-2.0
package io.obs.metrics.internal;

import io.micrometer.core.instrument.AbstractDistributionSummary;
import io.micrometer.core.instrument.AbstractMeter;
import io.micrometer.core.instrument.AbstractTimer;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.pause.NoPauseDetector;
import io.micrometer.core.instrument.distribution.pause.PauseDetector;
import io.micrometer.core.instrument.internal.DefaultLongTaskTimer;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. The registry {@code init()} hands out while the real ones
 * (the Prometheus registry above all, whose classes are most of a cold {@code init()}) are still
 * being built on obs's start-up thread. Every meter registered here records into a buffer of its
 * own until {@link #attach} gives it a twin in the real registry; then what it buffered is
 * replayed into the twin, value by value, and from then on each recording goes straight to the
 * twin. Nothing recorded in between is lost or counted twice: a recording either lands in the
 * buffer before the replay or in the twin after it (both under one lock while attaching; a
 * volatile read afterwards).
 *
 * <p>Bounded: at most {@link #MAX_BUFFERED} timer and summary values wait in all buffers together
 * (counters keep a sum); values beyond that are dropped and the number is reported when the
 * registry attaches. Pull meters (gauges, function counters and timers) buffer nothing: their
 * twins read the same objects. A long task timer's tasks started before the attach are timed by
 * the buffer's own timer and are not in the twin.
 */
final class DeferredRegistry extends MeterRegistry {

  static final int MAX_BUFFERED = 100_000;

  private final Object lock = new Object();
  // Guarded by lock.
  private final List<Deferred> waiting = new ArrayList<>();
  private int buffered;
  private long dropped;
  private volatile @Nullable MeterRegistry target;

  DeferredRegistry(Clock clock) {
    super(clock);
  }

  /**
   * Gives every meter its twin in {@code real}, replays what was recorded, and forwards from now
   * on; returns the number of values dropped because the buffers were full.
   */
  long attach(MeterRegistry real) {
    synchronized (lock) {
      if (target != null) {
        throw new IllegalStateException("already attached");
      }
      for (Deferred meter : waiting) {
        meter.attach(real);
      }
      waiting.clear();
      target = real;
      return dropped;
    }
  }

  /** The real registry once attached. */
  @Nullable MeterRegistry target() {
    return target;
  }

  private <M extends Deferred> M track(M meter) {
    synchronized (lock) {
      MeterRegistry real = target;
      if (real != null) {
        meter.attach(real);
      } else {
        waiting.add(meter);
      }
    }
    return meter;
  }

  /** Takes one slot of the shared buffer; false when it is full (the value is dropped). */
  private boolean reserve() {
    if (buffered >= MAX_BUFFERED) {
      dropped++;
      return false;
    }
    buffered++;
    return true;
  }

  @Override
  protected Counter newCounter(Meter.Id id) {
    return track(new DeferredCounter(id));
  }

  @Override
  protected Timer newTimer(
      Meter.Id id, DistributionStatisticConfig config, PauseDetector pauseDetector) {
    return track(new DeferredTimer(id, clock, config, pauseDetector));
  }

  @Override
  protected DistributionSummary newDistributionSummary(
      Meter.Id id, DistributionStatisticConfig config, double scale) {
    return track(new DeferredSummary(id, clock, config, scale));
  }

  @Override
  protected LongTaskTimer newLongTaskTimer(Meter.Id id, DistributionStatisticConfig config) {
    return track(new DeferredLongTaskTimer(id, clock, config));
  }

  @Override
  protected <T> Gauge newGauge(Meter.Id id, @Nullable T obj, ToDoubleFunction<T> valueFunction) {
    return track(new DeferredGauge<>(id, obj, valueFunction));
  }

  @Override
  protected <T> TimeGauge newTimeGauge(
      Meter.Id id, @Nullable T obj, TimeUnit valueFunctionUnit, ToDoubleFunction<T> valueFunction) {
    return track(new DeferredTimeGauge<>(id, obj, valueFunctionUnit, valueFunction));
  }

  @Override
  protected <T> FunctionTimer newFunctionTimer(Meter.Id id, T obj, ToLongFunction<T> countFunction,
      ToDoubleFunction<T> totalTimeFunction, TimeUnit totalTimeFunctionUnit) {
    return track(new DeferredFunctionTimer<>(
        id, obj, countFunction, totalTimeFunction, totalTimeFunctionUnit));
  }

  @Override
  protected <T> FunctionCounter newFunctionCounter(
      Meter.Id id, T obj, ToDoubleFunction<T> countFunction) {
    return track(new DeferredFunctionCounter<>(id, obj, countFunction));
  }

  @Override
  protected Meter newMeter(Meter.Id id, Meter.Type type, Iterable<Measurement> measurements) {
    return track(new DeferredMeter(id, type, measurements));
  }

  @Override
  protected TimeUnit getBaseTimeUnit() {
    return TimeUnit.SECONDS;
  }

  @Override
  protected DistributionStatisticConfig defaultHistogramConfig() {
    // Left to the real registry: a twin gets the configuration the meter was asked for, merged
    // with the real registry's own defaults there.
    return DistributionStatisticConfig.NONE;
  }

  /** A meter that gets its twin in the real registry once, under the registry's lock. */
  private interface Deferred {
    void attach(MeterRegistry real);
  }

  private final class DeferredCounter extends AbstractMeter implements Counter, Deferred {
    private volatile @Nullable Counter twin;
    private double pending; // guarded by lock

    DeferredCounter(Meter.Id id) {
      super(id);
    }

    @Override
    public void attach(MeterRegistry real) {
      Counter counter = Counter.builder(getId().getName())
          .tags(getId().getTagsAsIterable())
          .description(getId().getDescription())
          .baseUnit(getId().getBaseUnit())
          .register(real);
      if (pending > 0) {
        counter.increment(pending);
      }
      twin = counter;
    }

    @Override
    public void increment(double amount) {
      Counter real = twin;
      if (real == null) {
        synchronized (lock) {
          real = twin;
          if (real == null) {
            pending += amount;
            return;
          }
        }
      }
      real.increment(amount);
    }

    @Override
    public double count() {
      Counter real = twin;
      if (real != null) {
        return real.count();
      }
      synchronized (lock) {
        real = twin;
        return real != null ? real.count() : pending;
      }
    }
  }

  private final class DeferredTimer extends AbstractTimer implements Deferred {
    private final DistributionStatisticConfig config;
    private final PauseDetector pauseDetector;
    private volatile @Nullable Timer twin;
    private long[] pending = new long[0]; // nanoseconds; guarded by lock
    private int size;
    private long count;
    private long totalNanos;
    private long maxNanos;

    DeferredTimer(
        Meter.Id id, Clock clock, DistributionStatisticConfig config, PauseDetector pause) {
      // No histogram of its own: the twin has the real one.
      super(id, clock, DistributionStatisticConfig.NONE, new NoPauseDetector(),
          TimeUnit.SECONDS, false);
      this.config = config;
      this.pauseDetector = pause;
    }

    @Override
    public void attach(MeterRegistry real) {
      Timer.Builder builder = Timer.builder(getId().getName())
          .tags(getId().getTagsAsIterable())
          .description(getId().getDescription())
          .publishPercentiles(config.getPercentiles())
          .publishPercentileHistogram(config.isPercentileHistogram())
          .distributionStatisticBufferLength(config.getBufferLength())
          .distributionStatisticExpiry(config.getExpiry())
          .percentilePrecision(config.getPercentilePrecision())
          .pauseDetector(pauseDetector);
      if (config.getMaximumExpectedValueAsDouble() != null) {
        builder.maximumExpectedValue(
            Duration.ofNanos(config.getMaximumExpectedValueAsDouble().longValue()));
      }
      if (config.getMinimumExpectedValueAsDouble() != null) {
        builder.minimumExpectedValue(
            Duration.ofNanos(config.getMinimumExpectedValueAsDouble().longValue()));
      }
      double[] slos = config.getServiceLevelObjectiveBoundaries();
      if (slos != null) {
        Duration[] durations = new Duration[slos.length];
        for (int i = 0; i < slos.length; i++) {
          durations[i] = Duration.ofNanos((long) slos[i]);
        }
        builder.serviceLevelObjectives(durations);
      }
      Timer timer = builder.register(real);
      for (int i = 0; i < size; i++) {
        timer.record(pending[i], TimeUnit.NANOSECONDS);
      }
      pending = new long[0];
      twin = timer;
    }

    @Override
    protected void recordNonNegative(long amount, TimeUnit unit) {
      Timer real = twin;
      if (real == null) {
        synchronized (lock) {
          real = twin;
          if (real == null) {
            long nanos = unit.toNanos(amount);
            if (reserve()) {
              if (size == pending.length) {
                pending = java.util.Arrays.copyOf(pending, Math.max(16, size * 2));
              }
              pending[size++] = nanos;
              count++;
              totalNanos += nanos;
              maxNanos = Math.max(maxNanos, nanos);
            }
            return;
          }
        }
      }
      real.record(amount, unit);
    }

    @Override
    public long count() {
      Timer real = twin;
      if (real != null) {
        return real.count();
      }
      synchronized (lock) {
        real = twin;
        return real != null ? real.count() : count;
      }
    }

    @Override
    public double totalTime(TimeUnit unit) {
      Timer real = twin;
      if (real != null) {
        return real.totalTime(unit);
      }
      synchronized (lock) {
        real = twin;
        return real != null ? real.totalTime(unit) : (double) totalNanos / unit.toNanos(1);
      }
    }

    @Override
    public double max(TimeUnit unit) {
      Timer real = twin;
      if (real != null) {
        return real.max(unit);
      }
      synchronized (lock) {
        real = twin;
        return real != null ? real.max(unit) : (double) maxNanos / unit.toNanos(1);
      }
    }

    @Override
    public HistogramSnapshot takeSnapshot() {
      Timer real = twin;
      return real != null ? real.takeSnapshot() : super.takeSnapshot();
    }
  }

  private final class DeferredSummary extends AbstractDistributionSummary implements Deferred {
    private final DistributionStatisticConfig config;
    private volatile @Nullable DistributionSummary twin;
    private double[] pending = new double[0]; // already scaled; guarded by lock
    private int size;
    private double total;
    private double max;

    DeferredSummary(Meter.Id id, Clock clock, DistributionStatisticConfig config, double scale) {
      // Scaled here (recordNonNegative gets scaled values), so the twin has no scale.
      super(id, clock, DistributionStatisticConfig.NONE, scale, false);
      this.config = config;
    }

    @Override
    public void attach(MeterRegistry real) {
      DistributionSummary.Builder builder = DistributionSummary.builder(getId().getName())
          .tags(getId().getTagsAsIterable())
          .description(getId().getDescription())
          .baseUnit(getId().getBaseUnit())
          .publishPercentiles(config.getPercentiles())
          .publishPercentileHistogram(config.isPercentileHistogram())
          .maximumExpectedValue(config.getMaximumExpectedValueAsDouble())
          .minimumExpectedValue(config.getMinimumExpectedValueAsDouble())
          .distributionStatisticBufferLength(config.getBufferLength())
          .distributionStatisticExpiry(config.getExpiry())
          .percentilePrecision(config.getPercentilePrecision());
      double[] slos = config.getServiceLevelObjectiveBoundaries();
      if (slos != null) {
        builder.serviceLevelObjectives(slos);
      }
      DistributionSummary summary = builder.register(real);
      for (int i = 0; i < size; i++) {
        summary.record(pending[i]);
      }
      pending = new double[0];
      twin = summary;
    }

    @Override
    protected void recordNonNegative(double amount) {
      DistributionSummary real = twin;
      if (real == null) {
        synchronized (lock) {
          real = twin;
          if (real == null) {
            if (reserve()) {
              if (size == pending.length) {
                pending = java.util.Arrays.copyOf(pending, Math.max(16, size * 2));
              }
              pending[size++] = amount;
              total += amount;
              max = Math.max(max, amount);
            }
            return;
          }
        }
      }
      real.record(amount);
    }

    @Override
    public long count() {
      DistributionSummary real = twin;
      if (real != null) {
        return real.count();
      }
      synchronized (lock) {
        real = twin;
        return real != null ? real.count() : size;
      }
    }

    @Override
    public double totalAmount() {
      DistributionSummary real = twin;
      if (real != null) {
        return real.totalAmount();
      }
      synchronized (lock) {
        real = twin;
        return real != null ? real.totalAmount() : total;
      }
    }

    @Override
    public double max() {
      DistributionSummary real = twin;
      if (real != null) {
        return real.max();
      }
      synchronized (lock) {
        real = twin;
        return real != null ? real.max() : max;
      }
    }

    @Override
    public HistogramSnapshot takeSnapshot() {
      DistributionSummary real = twin;
      return real != null ? real.takeSnapshot() : super.takeSnapshot();
    }
  }

  private final class DeferredLongTaskTimer extends AbstractMeter
      implements LongTaskTimer, Deferred {
    private final DistributionStatisticConfig config;
    // The tasks started before the attach; they finish here.
    private final DefaultLongTaskTimer early;
    private volatile @Nullable LongTaskTimer twin;

    DeferredLongTaskTimer(Meter.Id id, Clock clock, DistributionStatisticConfig config) {
      super(id);
      this.config = config;
      this.early = new DefaultLongTaskTimer(
          id, clock, TimeUnit.SECONDS, DistributionStatisticConfig.NONE, false);
    }

    @Override
    public void attach(MeterRegistry real) {
      LongTaskTimer.Builder builder = LongTaskTimer.builder(getId().getName())
          .tags(getId().getTagsAsIterable())
          .description(getId().getDescription())
          .publishPercentiles(config.getPercentiles())
          .publishPercentileHistogram(config.isPercentileHistogram())
          .distributionStatisticBufferLength(config.getBufferLength())
          .distributionStatisticExpiry(config.getExpiry())
          .percentilePrecision(config.getPercentilePrecision());
      if (config.getMaximumExpectedValueAsDouble() != null) {
        builder.maximumExpectedValue(
            Duration.ofNanos(config.getMaximumExpectedValueAsDouble().longValue()));
      }
      if (config.getMinimumExpectedValueAsDouble() != null) {
        builder.minimumExpectedValue(
            Duration.ofNanos(config.getMinimumExpectedValueAsDouble().longValue()));
      }
      twin = builder.register(real);
    }

    @Override
    public Sample start() {
      LongTaskTimer real = twin;
      if (real == null) {
        synchronized (lock) {
          real = twin;
          if (real == null) {
            return early.start();
          }
        }
      }
      return real.start();
    }

    @Override
    public double duration(TimeUnit unit) {
      LongTaskTimer real = twin;
      return early.duration(unit) + (real != null ? real.duration(unit) : 0);
    }

    @Override
    public int activeTasks() {
      LongTaskTimer real = twin;
      return early.activeTasks() + (real != null ? real.activeTasks() : 0);
    }

    @Override
    public double max(TimeUnit unit) {
      LongTaskTimer real = twin;
      return Math.max(early.max(unit), real != null ? real.max(unit) : 0);
    }

    @Override
    public TimeUnit baseTimeUnit() {
      return TimeUnit.SECONDS;
    }

    @Override
    public HistogramSnapshot takeSnapshot() {
      LongTaskTimer real = twin;
      return real != null ? real.takeSnapshot() : early.takeSnapshot();
    }
  }

  private static final class DeferredGauge<T> extends AbstractMeter implements Gauge, Deferred {
    private final WeakReference<@Nullable T> ref;
    private final ToDoubleFunction<T> value;

    DeferredGauge(Meter.Id id, @Nullable T obj, ToDoubleFunction<T> value) {
      super(id);
      this.ref = new WeakReference<>(obj);
      this.value = value;
    }

    @Override
    public void attach(MeterRegistry real) {
      T obj = ref.get();
      if (obj != null) {
        Gauge.builder(getId().getName(), obj, value)
            .tags(getId().getTagsAsIterable())
            .description(getId().getDescription())
            .baseUnit(getId().getBaseUnit())
            .synthetic(getId().syntheticAssociation())
            .register(real);
      }
    }

    @Override
    public double value() {
      T obj = ref.get();
      return obj != null ? value.applyAsDouble(obj) : Double.NaN;
    }
  }

  private static final class DeferredTimeGauge<T> extends AbstractMeter
      implements TimeGauge, Deferred {
    private final WeakReference<@Nullable T> ref;
    private final TimeUnit unit;
    private final ToDoubleFunction<T> value;

    DeferredTimeGauge(Meter.Id id, @Nullable T obj, TimeUnit unit, ToDoubleFunction<T> value) {
      super(id);
      this.ref = new WeakReference<>(obj);
      this.unit = unit;
      this.value = value;
    }

    @Override
    public void attach(MeterRegistry real) {
      T obj = ref.get();
      if (obj != null) {
        TimeGauge.builder(getId().getName(), obj, unit, value)
            .tags(getId().getTagsAsIterable())
            .description(getId().getDescription())
            .register(real);
      }
    }

    @Override
    public TimeUnit baseTimeUnit() {
      return unit;
    }

    @Override
    public double value() {
      T obj = ref.get();
      return obj != null ? value.applyAsDouble(obj) : Double.NaN;
    }
  }

  private static final class DeferredFunctionCounter<T> extends AbstractMeter
      implements FunctionCounter, Deferred {
    private final WeakReference<T> ref;
    private final ToDoubleFunction<T> count;

    DeferredFunctionCounter(Meter.Id id, T obj, ToDoubleFunction<T> count) {
      super(id);
      this.ref = new WeakReference<>(obj);
      this.count = count;
    }

    @Override
    public void attach(MeterRegistry real) {
      T obj = ref.get();
      if (obj != null) {
        FunctionCounter.builder(getId().getName(), obj, count)
            .tags(getId().getTagsAsIterable())
            .description(getId().getDescription())
            .baseUnit(getId().getBaseUnit())
            .register(real);
      }
    }

    @Override
    public double count() {
      T obj = ref.get();
      return obj != null ? count.applyAsDouble(obj) : Double.NaN;
    }
  }

  private static final class DeferredFunctionTimer<T> extends AbstractMeter
      implements FunctionTimer, Deferred {
    private final WeakReference<T> ref;
    private final ToLongFunction<T> count;
    private final ToDoubleFunction<T> totalTime;
    private final TimeUnit totalTimeUnit;

    DeferredFunctionTimer(Meter.Id id, T obj, ToLongFunction<T> count,
        ToDoubleFunction<T> totalTime, TimeUnit totalTimeUnit) {
      super(id);
      this.ref = new WeakReference<>(obj);
      this.count = count;
      this.totalTime = totalTime;
      this.totalTimeUnit = totalTimeUnit;
    }

    @Override
    public void attach(MeterRegistry real) {
      T obj = ref.get();
      if (obj != null) {
        FunctionTimer.builder(getId().getName(), obj, count, totalTime, totalTimeUnit)
            .tags(getId().getTagsAsIterable())
            .description(getId().getDescription())
            .register(real);
      }
    }

    @Override
    public double count() {
      T obj = ref.get();
      return obj != null ? count.applyAsLong(obj) : Double.NaN;
    }

    @Override
    public double totalTime(TimeUnit unit) {
      T obj = ref.get();
      return obj != null
          ? TimeUtils.convert(totalTime.applyAsDouble(obj), totalTimeUnit, unit)
          : Double.NaN;
    }

    @Override
    public TimeUnit baseTimeUnit() {
      return totalTimeUnit;
    }
  }

  private static final class DeferredMeter extends AbstractMeter implements Deferred {
    private final Meter.Type type;
    private final Iterable<Measurement> measurements;

    DeferredMeter(Meter.Id id, Meter.Type type, Iterable<Measurement> measurements) {
      super(id);
      this.type = type;
      this.measurements = measurements;
    }

    @Override
    public void attach(MeterRegistry real) {
      Meter.builder(getId().getName(), type, measurements)
          .tags(getId().getTagsAsIterable())
          .description(getId().getDescription())
          .baseUnit(getId().getBaseUnit())
          .register(real);
    }

    @Override
    public Iterable<Measurement> measure() {
      return measurements;
    }
  }

  /** Unit conversion for doubles; Micrometer's own is in an internal package. */
  private static final class TimeUtils {
    static double convert(double value, TimeUnit from, TimeUnit to) {
      return value * from.toNanos(1) / to.toNanos(1);
    }
  }
}
