// SPDX-License-Identifier: Apache-2.0
package io.obs.internal.redact;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. A detector made of a {@link Prescan} flag, a regular
 * expression and an optional check of each match (the Luhn sum for card numbers, a digit count
 * for phone numbers). The finding is the first capturing group that matched, or the whole match
 * when the pattern has no groups, so a detector can keep context such as {@code password=}
 * visible.
 */
final class PatternDetector implements Detector {

  private final String name;
  private final int requires;
  private final String regex;
  private final int flags;
  /** Checks each match; null when every match is a finding. */
  private final @Nullable Predicate<String> accept;
  /** Compiled on first use: most texts never reach a detector (see {@link Prescan}). */
  private volatile @Nullable Pattern pattern;

  /** A detector whose pattern is compiled when a text first needs it. */
  PatternDetector(String name, int requires, String regex, @Nullable Predicate<String> accept) {
    this.name = name;
    this.requires = requires;
    this.regex = regex;
    this.flags = 0;
    this.accept = accept;
  }

  /** A detector with a pattern already compiled (and so already validated). */
  PatternDetector(String name, int requires, Pattern pattern, @Nullable Predicate<String> accept) {
    this.name = name;
    this.requires = requires;
    this.regex = pattern.pattern();
    this.flags = pattern.flags();
    this.accept = accept;
    this.pattern = pattern;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int requires() {
    return requires;
  }

  private Pattern pattern() {
    Pattern p = pattern;
    if (p == null) {
      // Two threads may both compile it; either result is the same immutable pattern.
      p = Pattern.compile(regex, flags);
      pattern = p;
    }
    return p;
  }

  @Override
  public @Nullable List<Finding> find(String text, @Nullable List<Finding> out) {
    List<Finding> findings = out;
    Matcher matcher = pattern().matcher(text);
    while (matcher.find()) {
      int group = 0;
      for (int g = 1; g <= matcher.groupCount(); g++) {
        if (matcher.start(g) >= 0) {
          group = g;
          break;
        }
      }
      int start = matcher.start(group);
      int end = matcher.end(group);
      if (end > start && (accept == null || accept.test(text.substring(start, end)))) {
        if (findings == null) {
          findings = new ArrayList<>(2);
        }
        findings.add(new Finding(start, end, name));
      }
    }
    return findings;
  }
}
