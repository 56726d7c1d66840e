// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import io.obs.internal.redact.Prescan;
import io.obs.internal.redact.Redactor;

/**
 * Internal: not for use outside obs. Makes any string safe to write: redacted, cut to a maximum
 * length with a marker, and free of unpaired UTF-16 surrogates (which would make the JSON
 * generator fail or write invalid UTF-8). Control characters need nothing here: the JSON
 * generator escapes them and the text format escapes them itself.
 */
public final class TextLimits {

  /** Extra characters redacted beyond the cut, so a secret straddling the cut is still found. */
  private static final int REDACTION_OVERLAP = 256;

  private final Redactor redactor;
  private final int maxLength;
  private final String marker;

  public TextLimits(Redactor redactor, int maxLength, String marker) {
    if (maxLength < 1) {
      throw new IllegalArgumentException("maxLength must be positive, got " + maxLength);
    }
    this.redactor = redactor;
    this.maxLength = maxLength;
    this.marker = marker;
  }

  public Redactor redactor() {
    return redactor;
  }

  /** Longest text kept, in UTF-16 characters (before the marker). */
  public int maxLength() {
    return maxLength;
  }

  /** What is appended where a text was cut. */
  public String marker() {
    return marker;
  }

  /** Redacts, cuts and repairs free text (a message, a value, an exception message). */
  public String clean(String text) {
    String bounded = text;
    if (bounded.length() > maxLength + REDACTION_OVERLAP) {
      // The regular expressions are linear, but a 100 MB message should not cost 100 MB of work.
      bounded = bounded.substring(0, cutPoint(bounded, maxLength + REDACTION_OVERLAP));
    }
    if (redactor.usesPrescan()) {
      // One pass tells both whether a detector could match and whether a surrogate needs
      // repair: for the usual short, clean, surrogate-free text nothing else reads it.
      int flags = Prescan.scan(bounded);
      String redacted = redactor.redact(bounded, flags);
      if (redacted == bounded
          && (flags & Prescan.SURROGATE) == 0
          && bounded.length() <= maxLength) {
        return bounded;
      }
      return repairSurrogates(truncate(redacted));
    }
    String redacted = redactor.redact(bounded);
    return repairSurrogates(truncate(redacted));
  }

  /** Cuts and repairs without redacting (names, which are not free text). */
  public String limit(String text) {
    return repairSurrogates(truncate(text));
  }

  /** The value of a named field: hidden entirely when the name is denied, else cleaned. */
  public String cleanField(String name, String value) {
    if (redactor.isDenied(name)) {
      return redactor.replace(value);
    }
    return clean(value);
  }

  private String truncate(String text) {
    if (text.length() <= maxLength) {
      return text;
    }
    return text.substring(0, cutPoint(text, maxLength)) + marker;
  }

  // Never cut between the two halves of a surrogate pair.
  private static int cutPoint(String text, int at) {
    if (at > 0 && Character.isHighSurrogate(text.charAt(at - 1))) {
      return at - 1;
    }
    return at;
  }

  /** Replaces every unpaired surrogate with U+FFFD; the same instance when there is none. */
  public static String repairSurrogates(String text) {
    int length = text.length();
    int i = 0;
    for (; i < length; i++) {
      char c = text.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < length
            && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
          continue;
        }
        break;
      }
    }
    if (i >= length) {
      return text;
    }
    StringBuilder out = new StringBuilder(length);
    out.append(text, 0, i);
    for (; i < length; i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < length
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        out.append(c).append(text.charAt(i + 1));
        i++;
      } else if (Character.isSurrogate(c)) {
        out.append('\uFFFD');
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
