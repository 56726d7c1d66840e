// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. The tracing module's own health instruments.
 *
 * <p>Samplers run on every span start, so counting goes to plain {@link LongAdder}s (a few
 * nanoseconds, no attribute lookup for the samplers, which hold their adders) and the meter reads
 * them through asynchronous counters when metrics are collected. That also solves the order of
 * events: samplers are built in {@code configure()}, before the SDK and the self meter exist, and
 * {@link #bind(Meter)} in {@code start()} only registers the callbacks, so nothing is lost.
 */
public final class SelfMetrics {

  public static final AttributeKey<String> SAMPLER = AttributeKey.stringKey("sampler");
  public static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");
  public static final AttributeKey<String> PROPAGATOR = AttributeKey.stringKey("propagator");

  private final Map<Attributes, LongAdder> sampled = new ConcurrentHashMap<>();
  private final Map<Attributes, LongAdder> dropped = new ConcurrentHashMap<>();
  private final Map<Attributes, LongAdder> spansDropped = new ConcurrentHashMap<>();
  private final Map<Attributes, LongAdder> rejected = new ConcurrentHashMap<>();
  private @Nullable LongSupplier tailBuffered;
  private final List<AutoCloseable> registrations = new ArrayList<>();

  /** Registers the instruments on the self meter. */
  public synchronized void bind(Meter meter) {
    if (!registrations.isEmpty()) {
      return;
    }
    registrations.add(counter(meter, "obs.traces.sampled", "{trace}",
        "Local traces kept by the sampler, by sampler (and reason for tail).", sampled));
    registrations.add(counter(meter, "obs.traces.dropped", "{trace}",
        "Local traces not kept by the sampler, by sampler and reason.", dropped));
    registrations.add(counter(meter, "obs.traces.tail.spans.dropped", "{span}",
        "Spans the tail sampler could not buffer or that ended after a drop decision.",
        spansDropped));
    registrations.add(counter(meter, "obs.traces.propagation.rejected", "{request}",
        "Incoming trace context ignored as conflicting or broken; a new root was started.",
        rejected));
    LongSupplier buffered = tailBuffered;
    if (buffered != null) {
      registrations.add(
          meter
              .gaugeBuilder("obs.traces.tail.buffered")
              .ofLongs()
              .setUnit("{trace}")
              .setDescription("Local traces held by the tail sampler, waiting for their root.")
              .buildWithCallback(m -> m.record(buffered.getAsLong())));
    }
  }

  private static AutoCloseable counter(
      Meter meter, String name, String unit, String description, Map<Attributes, LongAdder> values) {
    return meter
        .counterBuilder(name)
        .setUnit(unit)
        .setDescription(description)
        .buildWithCallback(m -> values.forEach((attributes, adder) -> m.record(adder.sum(), attributes)));
  }

  /** Stops reporting (at module stop). */
  public synchronized void unbind() {
    for (AutoCloseable registration : registrations) {
      try {
        registration.close();
      } catch (Exception e) {
        // closing an observable instrument does not fail in practice; nothing to do
      }
    }
    registrations.clear();
  }

  /** Registers the tail buffer size, reported once {@link #bind} has run. */
  public synchronized void tailBuffered(LongSupplier size) {
    this.tailBuffered = size;
  }

  /** The adder behind {@code obs.traces.sampled} for these attributes. */
  public LongAdder sampledCounter(Attributes attributes) {
    return sampled.computeIfAbsent(attributes, a -> new LongAdder());
  }

  /** The adder behind {@code obs.traces.dropped} for these attributes. */
  public LongAdder droppedCounter(Attributes attributes) {
    return dropped.computeIfAbsent(attributes, a -> new LongAdder());
  }

  public void sampled(Attributes attributes) {
    sampledCounter(attributes).increment();
  }

  public void dropped(Attributes attributes) {
    droppedCounter(attributes).increment();
  }

  public void spansDropped(long count, String reason) {
    if (count > 0) {
      spansDropped.computeIfAbsent(Attributes.of(REASON, reason), a -> new LongAdder()).add(count);
    }
  }

  public void propagationRejected(String propagator, String reason) {
    rejected
        .computeIfAbsent(Attributes.of(PROPAGATOR, propagator, REASON, reason), a -> new LongAdder())
        .increment();
  }
}
