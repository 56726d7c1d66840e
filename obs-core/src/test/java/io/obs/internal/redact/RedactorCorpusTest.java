// SPDX-License-Identifier: Apache-2.0
package io.obs.internal.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RedactorCorpusTest {

  private static final Redactor REDACTOR =
      Redactor.builder()
          .addDetectors(Detectors.builtIn(Detectors.NAMES))
          .addDenied(Redactor.DEFAULT_DENYLIST)
          .build();

  /** Input, expected output: every secret replaced by the mask, context kept. */
  static Stream<Arguments> positives() {
    return Stream.of(
        // e-mail
        Arguments.of("mail alice@example.com now", "mail **** now"),
        Arguments.of("to first.last+tag@sub.example.co.uk.", "to ****."),
        Arguments.of("USER_1@Example.ORG", "****"),
        // payment cards (Luhn-valid test numbers)
        Arguments.of("card 4111111111111111 charged", "card **** charged"),
        Arguments.of("card 4111 1111 1111 1111 charged", "card **** charged"),
        Arguments.of("card 5500-0000-0000-0004", "card ****"),
        Arguments.of("amex 378282246310005", "amex ****"),
        Arguments.of("discover 6011111111111117;", "discover ****;"),
        Arguments.of("mc 2223003122003222", "mc ****"),
        // phone numbers
        Arguments.of("call +1 415 555 2671 today", "call **** today"),
        Arguments.of("uk +44 20 7946 0958", "uk ****"),
        Arguments.of("de +4915112345678", "de ****"),
        Arguments.of("us (415) 555-2671", "us ****"),
        Arguments.of("us 415-555-2671", "us ****"),
        Arguments.of("us 415.555.2671", "us ****"),
        // bearer and basic credentials
        Arguments.of("Authorization: Bearer abcdef0123456789xyz", "Authorization: Bearer ****"),
        Arguments.of("bearer mF_9.B5f-4.1JqM", "bearer ****"),
        Arguments.of("Basic dXNlcjpwYXNzd29yZA==", "Basic ****"),
        // JWT
        Arguments.of(
            "jwt eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0"
                + ".dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U end",
            "jwt **** end"),
        // key=value secrets
        Arguments.of("login password=hunter2 ok", "login password=**** ok"),
        Arguments.of("db_password: s3cr3t!", "db_password: ****"),
        Arguments.of("{\"password\":\"hunter2\"}", "{\"password\":\"****\"}"),
        Arguments.of("api_key=AKIA1234", "api_key=****"),
        Arguments.of("client_secret='abc def'", "client_secret='****'"),
        Arguments.of("token=abc123&user=bob", "token=****&user=bob"),
        Arguments.of("PASSWORD = hunter2", "PASSWORD = ****"),
        Arguments.of("Secret : 's3'", "Secret : '****'"),
        Arguments.of("AUTHORIZATION: BEARER abcdef0123456789xyz", "AUTHORIZATION: BEARER ****"),
        // several findings in one line, of different kinds
        Arguments.of(
            "bob@example.com paid with 4111111111111111, token=abc",
            "**** paid with ****, token=****"));
  }

  /** Near-misses: look like a secret, are not one, and must be left exactly as they are. */
  static Stream<String> negatives() {
    return Stream.of(
        // e-mail look-alikes
        "user@localhost",
        "ping @channel please",
        "git@github:repo",
        "a@b.c",
        "name@123.456",
        // card look-alikes
        "card 4111111111111112 rejected (Luhn fails)",
        "at 1700000000000 ms since epoch",
        "id 12345678901234567890123",
        "uuid 550e8400-e29b-41d4-a716-446655440000",
        // phone look-alikes
        "from 192.168.100.200",
        "on 2024-01-15 10:30:00",
        "took 1234567 ms",
        "order 4155552671 shipped",
        "version 1.2.3",
        "offset +05:30",
        "ISBN 978-3-16-148410-0",
        // bearer look-alikes
        "the bearer of bad news",
        "basic auth disabled",
        "Bearer token missing",
        // JWT look-alikes
        "prefix eyJ only",
        "header eyJhbGciOiJIUzI1NiJ9 alone",
        // key=value look-alikes
        "password reset requested for user 42",
        "passwordless login enabled",
        "secretary=Alice",
        "tokens=5",
        "access_token_ttl=3600",
        "compass=north",
        "keyboard: us",
        // ids obs itself writes
        "trace 4bf92f3577b34da6a3ce929d0e0e4736 span 00f067aa0ba902b7",
        "request 550e8400e29b41d4a716446655440000",
        // plain lines
        "User 42 placed order 1234 for 3 items",
        "order_id=1234 status=PAID",
        "");
  }

  @ParameterizedTest
  @MethodSource("positives")
  void everyPositiveIsMasked(String input, String expected) {
    assertThat(REDACTOR.redact(input)).isEqualTo(expected);
  }

  @ParameterizedTest
  @MethodSource("negatives")
  void everyNearMissIsUntouched(String input) {
    assertThat(REDACTOR.redact(input)).isSameAs(input);
  }

  @Test
  void denylistMatchesNamesEndingWithAnEntryWhateverTheSeparators() {
    assertThat(REDACTOR.isDenied("password")).isTrue();
    assertThat(REDACTOR.isDenied("db_password")).isTrue();
    assertThat(REDACTOR.isDenied("X-Auth-Token")).isTrue();
    assertThat(REDACTOR.isDenied("Authorization")).isTrue();
    assertThat(REDACTOR.isDenied("clientSecret")).isTrue();
    assertThat(REDACTOR.isDenied("tokenCount")).isFalse();
    assertThat(REDACTOR.isDenied("passwordPolicy")).isFalse();
    assertThat(REDACTOR.isDenied("user")).isFalse();
  }

  @Test
  void deniedFieldIsReplacedWholeOthersAreScanned() {
    assertThat(REDACTOR.redactField("password", "anything at all")).isEqualTo("****");
    assertThat(REDACTOR.redactField("note", "mail bob@example.com")).isEqualTo("mail ****");
    assertThat(REDACTOR.redactField("note", "nothing here")).isEqualTo("nothing here");
  }

  @Test
  void hashModeIsStableForOneKeyAndHidesTheValue() {
    Redactor a = hashing("key-one");
    Redactor b = hashing("key-one");
    Redactor other = hashing("key-two");
    String line = "mail alice@example.com";
    String hashed = a.redact(line);
    assertThat(hashed).matches("mail \\[hash:[0-9a-f]{12}]").doesNotContain("alice");
    assertThat(b.redact(line)).isEqualTo(hashed);
    assertThat(other.redact(line)).isNotEqualTo(hashed);
    assertThat(a.redact("mail bob@example.com")).isNotEqualTo(hashed);
  }

  @Test
  void userPatternMasksEveryMatch() {
    Redactor redactor =
        Redactor.builder()
            .addDetector(Detectors.userPattern(Pattern.compile("ACC-\\d{6}")))
            .build();
    assertThat(redactor.redact("accounts ACC-123456 and ACC-654321, not ACC-12"))
        .isEqualTo("accounts **** and ****, not ACC-12");
  }

  @Test
  void configuredDetectorsOnlyRunWhenListed() {
    Redactor emailOnly =
        Redactor.builder().addDetectors(Detectors.builtIn(List.of("email"))).build();
    assertThat(emailOnly.redact("a@example.com password=x"))
        .isEqualTo("**** password=x");
  }

  @Test
  void disabledRedactorChangesNothing() {
    assertThat(Redactor.disabled().redact("password=x alice@example.com"))
        .isEqualTo("password=x alice@example.com");
    assertThat(Redactor.disabled().isDenied("password")).isFalse();
  }

  private static Redactor hashing(String key) {
    return Redactor.builder()
        .addDetectors(Detectors.builtIn(Detectors.NAMES))
        .setMode(Redactor.Mode.HASH)
        .setHashKey(key)
        .build();
  }
}
