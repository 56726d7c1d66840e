// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.internal;

import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. Reads propagation headers from a carrier that may hold a
 * header several times. Fields that may legally repeat ({@code tracestate}, {@code baggage}) are
 * joined with commas; any other field sent twice with different values is treated as absent,
 * because a request with two different {@code traceparent}s has no trustworthy parent.
 */
public final class HeaderGetter<C> implements TextMapGetter<C> {

  private final Function<C, Iterable<String>> names;
  private final BiFunction<C, String, @Nullable List<String>> values;

  public HeaderGetter(
      Function<C, Iterable<String>> names, BiFunction<C, String, @Nullable List<String>> values) {
    this.names = names;
    this.values = values;
  }

  @Override
  public Iterable<String> keys(C carrier) {
    return names.apply(carrier);
  }

  @Override
  public @Nullable String get(@Nullable C carrier, String key) {
    if (carrier == null) {
      return null;
    }
    List<String> all = values.apply(carrier, key);
    if (all == null || all.isEmpty()) {
      return null;
    }
    if (all.size() == 1) {
      return all.get(0);
    }
    String lower = key.toLowerCase(Locale.ROOT);
    if (lower.equals("tracestate") || lower.equals("baggage")) {
      return String.join(",", all);
    }
    String first = all.get(0);
    for (String value : all) {
      if (!first.equals(value)) {
        return null;
      }
    }
    return first;
  }

  @Override
  public Iterator<String> getAll(@Nullable C carrier, String key) {
    if (carrier == null) {
      return Collections.emptyIterator();
    }
    List<String> all = values.apply(carrier, key);
    return all == null ? Collections.emptyIterator() : all.iterator();
  }
}
