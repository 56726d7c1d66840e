// SPDX-License-Identifier: Apache-2.0
package io.obs.internal.redact;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Internal: not for use outside obs. The built-in detectors. Each pattern is anchored with
 * look-arounds so that it does not fire inside a longer token: a card number is not found inside
 * a 25-digit id, a phone number not inside an IP address or a date.
 */
public final class Detectors {

  /** Names of the built-in detectors, in the order they run. */
  public static final List<String> NAMES =
      List.of("email", "phone", "card", "bearer", "jwt", "secret_pair");

  private Detectors() {}

  /**
   * The built-in detectors with the given names, in a fixed order. The instances are shared by
   * every redactor (they hold no state but their pattern), so the settings built at Logback's
   * start, at {@code init()} and on every reconfiguration compile each pattern at most once.
   */
  public static List<Detector> builtIn(List<String> names) {
    List<Detector> detectors = new ArrayList<>();
    for (String name : names) {
      detectors.add(
          switch (name) {
            case "email" -> BuiltIn.EMAIL;
            case "phone" -> BuiltIn.PHONE;
            case "card" -> BuiltIn.CARD;
            case "bearer" -> BuiltIn.BEARER;
            case "jwt" -> BuiltIn.JWT;
            case "secret_pair" -> BuiltIn.SECRET_PAIR;
            default -> throw new IllegalArgumentException("unknown detector '" + name + "'");
          });
    }
    return detectors;
  }

  /** A user pattern: every whole match is a finding. */
  public static Detector userPattern(Pattern pattern) {
    return new PatternDetector(
        "pattern",
        Prescan.ALWAYS,
        Pattern.compile("(" + pattern.pattern() + ")", pattern.flags()),
        null);
  }

  private static final class BuiltIn {

    static final Detector EMAIL =
        new PatternDetector(
            "email",
            Prescan.AT,
            "(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@"
                + "[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
                + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*"
                + "\\.[A-Za-z]{2,24}(?![A-Za-z0-9-])",
            null);

    static final Detector PHONE =
        new PatternDetector(
            "phone",
            Prescan.PHONE,
            // +CC then groups separated by space, dot or dash, optionally one in parentheses
            "(?<![\\w+])\\+[1-9]\\d{0,2}(?:[ .-]?\\(?\\d{1,4}\\)?){2,6}(?![\\w.-]|[ .-]\\d)"
                // or the common national form (555) 123-4567 / 555-123-4567 / 555.123.4567
                + "|(?<![\\w.+-])(?:\\(\\d{3}\\) ?|\\d{3}[ .-])\\d{3}[ .-]\\d{4}"
                + "(?![\\w.-]|[ .-]\\d)",
            Detectors::isPlausiblePhone);

    static final Detector CARD =
        new PatternDetector(
            "card",
            Prescan.CARD,
            "(?<![\\d.-]|\\d[ -])\\d(?:[ -]?\\d){12,18}(?![\\d.]|[ -]\\d)",
            Detectors::isPlausibleCard);

    static final Detector BEARER =
        new PatternDetector(
            "bearer",
            Prescan.BEARER,
            "(?i)\\b(?:bearer|basic)\\s+([A-Za-z0-9\\-._~+/]{12,}=*)",
            null);

    static final Detector JWT =
        new PatternDetector(
            "jwt",
            Prescan.JWT,
            "(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}\\.eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]*",
            null);

    static final Detector SECRET_PAIR =
        new PatternDetector(
            "secret_pair",
            Prescan.SECRET_PAIR,
            "(?i)(?:password|passwd|pwd|secret|api[_-]?key|access[_-]?token|refresh[_-]?token"
                + "|auth[_-]?token|token|private[_-]?key|credentials?)[\"']?\\s*[=:]\\s*"
                + "(?:\"([^\"]*)\"|'([^']*)'|([^\\s,;&)}\\]\"']+))",
            null);

    private BuiltIn() {}
  }

  static boolean isPlausiblePhone(String match) {
    int digits = countDigits(match, Integer.MAX_VALUE);
    return digits >= 10 && digits <= 15;
  }

  static boolean isPlausibleCard(String match) {
    int length = 0;
    int sum = 0;
    char first = 0;
    // Luhn from the right: double every second digit.
    for (int i = match.length() - 1; i >= 0; i--) {
      char c = match.charAt(i);
      if (c < '0' || c > '9') {
        continue;
      }
      int digit = c - '0';
      if ((length & 1) == 1) {
        digit *= 2;
        if (digit > 9) {
          digit -= 9;
        }
      }
      sum += digit;
      length++;
      first = c;
    }
    // Issuer prefixes start with 2 (Mastercard 2-series) to 6 (Discover, UnionPay): this keeps
    // epoch milliseconds (1...) and zero-padded ids from counting as cards.
    return length >= 13 && length <= 19 && first >= '2' && first <= '6' && sum % 10 == 0;
  }

  static int countDigits(String text, int enough) {
    int count = 0;
    for (int i = 0; i < text.length() && count < enough; i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        count++;
      }
    }
    return count;
  }
}
