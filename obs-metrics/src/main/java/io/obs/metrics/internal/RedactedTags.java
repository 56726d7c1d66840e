// SPDX-License-Identifier: Apache-2.0
package io.obs.metrics.internal;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.obs.internal.redact.Redactor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Internal: not for use outside obs. Applies the redaction policy ({@code redaction.*}) to the tag
 * values of every Micrometer meter obs's registry exports, as logs and spans get it: a value under
 * a denylisted tag name is hidden whole, any other has its findings (e-mail addresses, card
 * numbers, tokens) replaced. Micrometer maps a meter's id once, when the meter is registered, so
 * recording costs nothing more.
 */
final class RedactedTags implements MeterFilter {

  private final Supplier<Redactor> redaction;

  RedactedTags(Supplier<Redactor> redaction) {
    this.redaction = redaction;
  }

  @Override
  public Meter.Id map(Meter.Id id) {
    Redactor redactor = redaction.get();
    if (!redactor.isEnabled()) {
      return id;
    }
    List<Tag> tags = id.getTags();
    List<Tag> changed = null;
    for (int i = 0; i < tags.size(); i++) {
      Tag tag = tags.get(i);
      String value = tag.getValue();
      String clean =
          redactor.isReplacement(value) ? value : redactor.redactField(tag.getKey(), value);
      if (clean != value && changed == null) {
        changed = new ArrayList<>(tags.subList(0, i));
      }
      if (changed != null) {
        changed.add(clean == value ? tag : Tag.of(tag.getKey(), clean));
      }
    }
    return changed == null ? id : id.replaceTags(changed);
  }
}
