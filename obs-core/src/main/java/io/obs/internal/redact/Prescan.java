// SPDX-License-Identifier: Apache-2.0
package io.obs.internal.redact;

/**
 * Internal: not for use outside obs. One pass over a text that sets a flag for every built-in
 * detector that could possibly match it. Almost every log line has nothing to hide, so the cost
 * of redaction is the cost of this loop; the regular expressions run only behind a flag.
 */
public final class Prescan {

  /** Not a flag: the detector runs on every text (user patterns). */
  public static final int ALWAYS = -1;

  /** An '@' after the first character. */
  public static final int AT = 1;

  /** '+' before a digit, '(' before a digit, or exactly three digits, a separator, a digit. */
  public static final int PHONE = 1 << 1;

  /** At least 13 digits in a row, single spaces or dashes allowed between them. */
  public static final int CARD = 1 << 2;

  /** 'b' followed by 'e' or 'a', in any case (bearer, basic). */
  public static final int BEARER = 1 << 3;

  /** "eyJ", the start of a base64url-encoded JSON object. */
  public static final int JWT = 1 << 4;

  /** An '=' or ':' right after a word ending like a secret's name (see {@link #SECRET_ENDINGS}). */
  public static final int SECRET_PAIR = 1 << 5;

  /** Word endings of the names {@code secret_pair} looks for (password, api_key, token, ...). */
  static final String[] SECRET_ENDINGS = {
    "password", "passwd", "pwd", "secret", "key", "token", "credential", "credentials"
  };

  /**
   * Not a detector flag: the text holds a UTF-16 surrogate, so it may need repair ({@link
   * TextLimits}); without it, the repair pass is skipped.
   */
  public static final int SURROGATE = 1 << 30;

  /** Every detector flag, without {@link #SURROGATE}. */
  static final int DETECTORS = AT | PHONE | CARD | BEARER | JWT | SECRET_PAIR;

  private Prescan() {}

  /** The flags of every detector that could match {@code text}. */
  public static int scan(String text) {
    int flags = 0;
    int length = text.length();
    int run = 0; // consecutive digits
    int cardDigits = 0; // digits in a card-like run
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        run++;
        if (++cardDigits >= 13) {
          flags |= CARD;
        }
        continue;
      }
      int digitsBefore = run;
      run = 0;
      if (c > '@') {
        // Letters: only 'b'/'B' (bearer, basic) and 'e' (eyJ) can start something.
        cardDigits = 0;
        if (c >= '\uD800' && c <= '\uDFFF') {
          flags |= SURROGATE;
        } else if ((c == 'b' || c == 'B') && i + 1 < length) {
          char next = text.charAt(i + 1);
          if (next == 'e' || next == 'E' || next == 'a' || next == 'A') {
            flags |= BEARER;
          }
        } else if (c == 'e' && i + 2 < length && text.charAt(i + 1) == 'y'
            && text.charAt(i + 2) == 'J') {
          flags |= JWT;
        }
        continue;
      }
      char next = i + 1 < length ? text.charAt(i + 1) : 0;
      boolean nextDigit = next >= '0' && next <= '9';
      if (!((c == ' ' || c == '-') && nextDigit)) {
        cardDigits = 0;
      }
      switch (c) {
        case '@' -> {
          if (i > 0) {
            flags |= AT;
          }
        }
        case '+', '(' -> {
          if (nextDigit) {
            flags |= PHONE;
          }
        }
        case ' ', '.', '-', ')' -> {
          if (digitsBefore == 3 && (nextDigit || next == ' ')) {
            flags |= PHONE;
          }
        }
        case '=', ':' -> {
          if ((flags & SECRET_PAIR) == 0 && followsSecretName(text, i)) {
            flags |= SECRET_PAIR;
          }
        }
        default -> {}
      }
    }
    return flags;
  }

  private static boolean followsSecretName(String text, int at) {
    int end = at;
    while (end > 0 && text.charAt(end - 1) == ' ') {
      end--;
    }
    if (end > 0 && (text.charAt(end - 1) == '"' || text.charAt(end - 1) == '\'')) {
      end--;
    }
    if (end == 0) {
      return false;
    }
    for (String ending : SECRET_ENDINGS) {
      if (endsWithIgnoreAsciiCase(text, end, ending)) {
        return true;
      }
    }
    return false;
  }

  // Compares from the end, where names differ first ("order_id" leaves "password" at 'i').
  private static boolean endsWithIgnoreAsciiCase(String text, int end, String lowerEnding) {
    int start = end - lowerEnding.length();
    if (start < 0) {
      return false;
    }
    for (int k = lowerEnding.length() - 1; k >= 0; k--) {
      char c = text.charAt(start + k);
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c + ('a' - 'A'));
      }
      if (c != lowerEnding.charAt(k)) {
        return false;
      }
    }
    return true;
  }
}
