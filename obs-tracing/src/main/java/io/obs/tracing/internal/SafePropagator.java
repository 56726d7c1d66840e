// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.internal;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
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
   * Most characters of a multi-valued header (baggage) shown; the W3C baggage propagator then
   * keeps whole entries up to its own limits (64 entries, 8192 bytes).
   */
  public static final int MAX_MULTI_HEADER_CHARS = 65_536;

  /** A propagator with the name it is configured by. */
  public record Named(String name, TextMapPropagator propagator) {}

  private final List<Named> propagators;
  private final SelfMetrics metrics;
  private final Collection<String> fields;

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
    TextMapGetter<C> bounded = new BoundedGetter<>(getter);
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

    BoundedGetter(TextMapGetter<C> delegate) {
      this.delegate = delegate;
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
      return value == null || value.length() > MAX_HEADER_CHARS ? null : value;
    }

    @Override
    public Iterator<String> getAll(@Nullable C carrier, String key) {
      List<String> values = new ArrayList<>();
      try {
        Iterator<String> it = delegate.getAll(carrier, key);
        int total = 0;
        while (it != null && it.hasNext()) {
          String value = it.next();
          if (value == null) {
            continue;
          }
          total += value.length();
          if (total > MAX_MULTI_HEADER_CHARS) {
            break;
          }
          values.add(value);
        }
      } catch (RuntimeException e) {
        return Collections.emptyIterator();
      }
      return values.iterator();
    }
  }
}
