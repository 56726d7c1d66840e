// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.internal;

import io.obs.tracing.propagation.ObsPropagators;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.extension.trace.propagation.B3Propagator;
import io.opentelemetry.extension.trace.propagation.JaegerPropagator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. A composite propagator that cannot be broken by its input.
 * Each propagator runs in order as in {@link TextMapPropagator#composite}, but: a propagator that
 * throws is skipped; header values above {@link #MAX_HEADER_CHARS} are invisible to it; and if two
 * propagators extract different trace contexts the incoming trace context is dropped (a new root
 * starts), because either could be forged or stale and guessing would stitch unrelated traces.
 */
public final class SafePropagator implements TextMapPropagator {

  /** Longest single header value any propagator is shown. */
  public static final int MAX_HEADER_CHARS = 8192;

  /**
   * Most characters of a multi-valued header shown, all its values together. Baggage has tighter
   * bounds of its own ({@link #MAX_BAGGAGE_CHARS}, {@link #MAX_BAGGAGE_ENTRIES}).
   */
  public static final int MAX_MULTI_HEADER_CHARS = 65_536;

  /**
   * W3C Baggage limits, all {@code baggage} header lines together. OpenTelemetry's propagator
   * applies them by keeping the entries up to the limit; a list over them is hidden here instead,
   * whole, because a prefix of a list the sender got wrong is no more trustworthy than the rest.
   */
  public static final int MAX_BAGGAGE_CHARS = 8192;

  public static final int MAX_BAGGAGE_ENTRIES = 64;

  private static final String BAGGAGE = "baggage";

  /** A propagator with the name it is configured by. */
  public record Named(String name, TextMapPropagator propagator) {}

  private final List<Named> propagators;
  private final SelfMetrics metrics;
  private final Collection<String> fields;

  /**
   * The propagator for {@code traces.propagators}' names, in order, counting rejections in
   * {@code metrics}; {@link io.obs.tracing.propagation.ObsPropagators#create} without counting.
   */
  // JaegerPropagator is deprecated upstream (Jaeger itself moved to W3C), but services still
  // send uber-trace-id, and OTEL_PROPAGATORS=jaeger is a standard value.
  @SuppressWarnings("deprecation")
  public static SafePropagator of(List<String> names, SelfMetrics metrics) {
    Objects.requireNonNull(names, "names");
    List<Named> propagators = new ArrayList<>();
    for (String raw : new LinkedHashSet<>(names)) {
      String name = raw.trim().toLowerCase(Locale.ROOT);
      switch (name) {
        case "tracecontext" ->
            propagators.add(new Named(name, W3CTraceContextPropagator.getInstance()));
        case "baggage" -> propagators.add(new Named(name, W3CBaggagePropagator.getInstance()));
        case "b3" -> propagators.add(new Named(name, B3Propagator.injectingSingleHeader()));
        case "b3multi" -> propagators.add(new Named(name, B3Propagator.injectingMultiHeaders()));
        case "jaeger" -> propagators.add(new Named(name, JaegerPropagator.getInstance()));
        case "none" -> {}
        default ->
            throw new IllegalArgumentException(
                "unknown propagator '" + raw + "'; expected one of " + ObsPropagators.NAMES);
      }
    }
    return new SafePropagator(propagators, metrics);
  }

  public SafePropagator(List<Named> propagators, SelfMetrics metrics) {
    this.propagators = List.copyOf(propagators);
    this.metrics = metrics;
    Set<String> all = new LinkedHashSet<>();
    for (Named named : propagators) {
      all.addAll(named.propagator().fields());
    }
    this.fields = Collections.unmodifiableList(new ArrayList<>(all));
  }

  /** The configured names, in order. */
  public List<String> names() {
    return propagators.stream().map(Named::name).toList();
  }

  @Override
  public Collection<String> fields() {
    return fields;
  }

  @Override
  public <C> void inject(Context context, @Nullable C carrier, TextMapSetter<C> setter) {
    for (Named named : propagators) {
      try {
        named.propagator().inject(context, carrier, setter);
      } catch (RuntimeException e) {
        metrics.propagationRejected(named.name(), "inject_failed");
      }
    }
  }

  @Override
  public <C> Context extract(Context context, @Nullable C carrier, TextMapGetter<C> getter) {
    if (carrier == null) {
      return context;
    }
    TextMapGetter<C> bounded = new BoundedGetter<>(getter, metrics);
    SpanContext before = Span.fromContext(context).getSpanContext();
    SpanContext found = null;
    String foundBy = null;
    boolean conflict = false;
    Context result = context;
    for (Named named : propagators) {
      Context next;
      try {
        next = named.propagator().extract(result, carrier, bounded);
      } catch (RuntimeException e) {
        metrics.propagationRejected(named.name(), "extract_failed");
        continue;
      }
      if (next == null) {
        continue;
      }
      SpanContext extracted = Span.fromContext(next).getSpanContext();
      if (extracted.isValid() && extracted.isRemote() && !extracted.equals(before)) {
        if (found == null) {
          found = extracted;
          foundBy = named.name();
        } else if (!sameSpan(found, extracted)) {
          conflict = true;
          metrics.propagationRejected(named.name(), "conflict_with_" + foundBy);
        }
      }
      result = next;
    }
    if (conflict) {
      // Keep what the propagators added besides the span (baggage), but not a guessed parent.
      result = result.with(Span.fromContext(context));
    }
    return result;
  }

  private static boolean sameSpan(SpanContext a, SpanContext b) {
    return a.getTraceId().equals(b.getTraceId()) && a.getSpanId().equals(b.getSpanId());
  }

  @Override
  public String toString() {
    return "SafePropagator" + names();
  }

  /** Hides oversized values and survives a getter that throws. */
  private static final class BoundedGetter<C> implements TextMapGetter<C> {
    private final TextMapGetter<C> delegate;
    private final SelfMetrics metrics;

    BoundedGetter(TextMapGetter<C> delegate, SelfMetrics metrics) {
      this.delegate = delegate;
      this.metrics = metrics;
    }

    @Override
    public Iterable<String> keys(C carrier) {
      try {
        Iterable<String> keys = delegate.keys(carrier);
        return keys != null ? keys : List.of();
      } catch (RuntimeException e) {
        return List.of();
      }
    }

    @Override
    public @Nullable String get(@Nullable C carrier, String key) {
      String value;
      try {
        value = delegate.get(carrier, key);
      } catch (RuntimeException e) {
        return null;
      }
      if (value == null || value.length() > MAX_HEADER_CHARS) {
        return null;
      }
      if (key.equals(BAGGAGE) && baggageOverLimit(value.length(), entries(value))) {
        return null;
      }
      return value;
    }

    private boolean baggageOverLimit(int chars, int entries) {
      if (chars > MAX_BAGGAGE_CHARS || entries > MAX_BAGGAGE_ENTRIES) {
        metrics.propagationRejected(BAGGAGE, "over_limit");
        return true;
      }
      return false;
    }

    /** List members, counted as the W3C format separates them (empty members included). */
    private static int entries(String value) {
      int count = 1;
      for (int i = 0; i < value.length(); i++) {
        if (value.charAt(i) == ',') {
          count++;
        }
      }
      return count;
    }

    @Override
    public Iterator<String> getAll(@Nullable C carrier, String key) {
      List<String> values = new ArrayList<>();
      int entries = 0;
      int total = 0;
      try {
        Iterator<String> it = delegate.getAll(carrier, key);
        while (it != null && it.hasNext()) {
          String value = it.next();
          if (value == null) {
            continue;
          }
          total += value.length() + (values.isEmpty() ? 0 : 1); // joined by ','
          if (total > MAX_MULTI_HEADER_CHARS) {
            break;
          }
          entries += entries(value);
          values.add(value);
        }
      } catch (RuntimeException e) {
        return Collections.emptyIterator();
      }
      if (key.equals(BAGGAGE) && baggageOverLimit(total, entries)) {
        return Collections.emptyIterator();
      }
      return values.iterator();
    }
  }
}
