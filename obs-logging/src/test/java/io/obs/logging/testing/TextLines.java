// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.testing;

import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a line of obs's text format back by the rule docs/logs.md states, and nothing else: a
 * part is either bare (no quote, backslash, {@code =} or unsafe character; no white space in a
 * logger name, field name or value; no bracket in a thread name) or quoted with escapes. A line
 * that breaks the rule fails with an {@link AssertionError}, so a test that parses what obs wrote
 * back into the values it logged shows that no input could add a line or a field.
 */
public final class TextLines {

  /** One event line, its parts unescaped. */
  public record Line(
      String timestamp,
      String level,
      String thread,
      String logger,
      String message,
      List<Map.Entry<String, String>> fields) {}

  private final String line;
  private int at;

  private TextLines(String line) {
    this.line = line;
  }

  /** Parses one event line, without its newline. */
  public static Line parse(String line) {
    return new TextLines(line).read();
  }

  private Line read() {
    String timestamp = until(' ');
    expect(' ');
    String level = until(' ');
    while (peek() == ' ') {
      at++;
    }
    expect('[');
    String thread = value(']');
    expect(']');
    expect(' ');
    String logger = value(' ');
    expect(' ');
    expect('-');
    expect(' ');
    String message = message();
    List<Map.Entry<String, String>> fields = new ArrayList<>();
    while (at < line.length()) {
      expect(' ');
      String key = value('=');
      expect('=');
      String value = value(' ');
      fields.add(new SimpleEntry<>(key, value));
    }
    return new Line(timestamp, level, thread, logger, message, fields);
  }

  private String message() {
    if (peek() == '"') {
      return quoted();
    }
    // A bare message holds no '=' and no '"': the fields start with the token before the first.
    int end = line.length();
    for (int i = at; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '=' || c == '"') {
        end = line.lastIndexOf(' ', i);
        break;
      }
    }
    if (end <= at) {
      throw new AssertionError("empty bare message in: " + line);
    }
    String bare = line.substring(at, end);
    checkBare(bare, false);
    at = end;
    return bare;
  }

  /** A quoted part, or a bare one ending at {@code stop} (or a space, or the end of the line). */
  private String value(char stop) {
    if (peek() == '"') {
      return quoted();
    }
    int start = at;
    while (at < line.length() && line.charAt(at) != stop && line.charAt(at) != ' ') {
      at++;
    }
    if (stop == ']') {
      // A thread name may hold spaces: it runs to the bracket.
      at = line.indexOf(']', start);
      if (at < 0) {
        throw new AssertionError("no ] in: " + line);
      }
    }
    String bare = line.substring(start, at);
    if (bare.isEmpty()) {
      throw new AssertionError("empty bare part at " + start + " in: " + line);
    }
    checkBare(bare, stop != ']');
    return bare;
  }

  private void checkBare(String bare, boolean token) {
    for (int i = 0; i < bare.length(); i++) {
      char c = bare.charAt(i);
      boolean space = Character.isWhitespace(c) || Character.isSpaceChar(c);
      if (c == '"' || c == '\\' || c == '=' || unsafe(c) || (token && space)) {
        throw new AssertionError(
            "bare part '" + bare + "' holds U+" + Integer.toHexString(c) + " in: " + line);
      }
    }
  }

  private String quoted() {
    expect('"');
    StringBuilder out = new StringBuilder();
    while (true) {
      if (at >= line.length()) {
        throw new AssertionError("unterminated quote in: " + line);
      }
      char c = line.charAt(at++);
      if (c == '"') {
        return out.toString();
      }
      if (unsafe(c)) {
        throw new AssertionError("raw U+" + Integer.toHexString(c) + " in: " + line);
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char e = line.charAt(at++);
      switch (e) {
        case '"', '\\' -> out.append(e);
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          out.append((char) Integer.parseInt(line.substring(at, at + 4), 16));
          at += 4;
        }
        default -> throw new AssertionError("unknown escape \\" + e + " in: " + line);
      }
    }
  }

  private String until(char c) {
    int end = line.indexOf(c, at);
    if (end < 0) {
      throw new AssertionError("no '" + c + "' after " + at + " in: " + line);
    }
    String part = line.substring(at, end);
    at = end;
    return part;
  }

  private char peek() {
    return at < line.length() ? line.charAt(at) : 0;
  }

  private void expect(char c) {
    if (peek() != c) {
      throw new AssertionError("expected '" + c + "' at " + at + " in: " + line);
    }
    at++;
  }

  /** The characters obs never writes raw in a text line (TextFormat.isUnsafe). */
  public static boolean unsafe(char c) {
    return c < 0x20
        || (c >= 0x7f && c <= 0x9f)
        || c == 0x2028
        || c == 0x2029
        || c == 0x061c
        || c == 0x200e
        || c == 0x200f
        || (c >= 0x202a && c <= 0x202e)
        || (c >= 0x2066 && c <= 0x2069);
  }
}
