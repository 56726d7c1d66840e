// SPDX-License-Identifier: Apache-2.0
package io.obs.internal.redact;

import io.obs.config.ConfigProblem;
import io.obs.config.CoreKeys;
import io.obs.config.ObsConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. The one redaction policy of a configuration ({@code
 * redaction.*}), built the same way by every signal that takes text from the application or its
 * callers: logs, spans and metric labels.
 */
public final class Redaction {

  private Redaction() {}

  /**
   * The redactor of a validated configuration; {@link Redactor#disabled()} when {@code
   * redaction.enabled} is false.
   */
  public static Redactor from(ObsConfig config) {
    if (!config.get(CoreKeys.REDACTION_ENABLED)) {
      return Redactor.disabled();
    }
    // Logs, spans and metrics each ask for the policy of the same configuration; its detectors'
    // regular expressions are compiled once.
    Settings settings = new Settings(config.get(CoreKeys.REDACTION_MODE),
        config.get(CoreKeys.REDACTION_MASK), config.get(CoreKeys.REDACTION_DETECTORS),
        config.get(CoreKeys.REDACTION_PATTERNS), config.get(CoreKeys.REDACTION_DENYLIST),
        config.find(CoreKeys.REDACTION_HASH_KEY).orElse(""));
    Built last = lastBuilt;
    if (last != null && last.settings().equals(settings)) {
      return last.redactor();
    }
    Redactor built = build(config);
    lastBuilt = new Built(settings, built);
    return built;
  }

  /** What a redactor is built from. */
  private record Settings(String mode, String mask, List<String> detectors, List<String> patterns,
      List<String> denylist, String hashKey) {
    @Override
    public String toString() {
      return "Settings[...]"; // holds the hash key
    }
  }

  private record Built(Settings settings, Redactor redactor) {}

  private static volatile @Nullable Built lastBuilt;

  private static Redactor build(ObsConfig config) {
    Redactor.Builder redactor =
        Redactor.builder()
            .addDetectors(Detectors.builtIn(config.get(CoreKeys.REDACTION_DETECTORS)))
            .addDenied(config.get(CoreKeys.REDACTION_DENYLIST))
            .setMask(config.get(CoreKeys.REDACTION_MASK))
            .setMode(
                config.get(CoreKeys.REDACTION_MODE).equalsIgnoreCase("hash")
                    ? Redactor.Mode.HASH
                    : Redactor.Mode.MASK);
    String hashKey = config.find(CoreKeys.REDACTION_HASH_KEY).orElse("");
    if (!hashKey.isEmpty()) {
      redactor.setHashKey(hashKey);
    }
    for (String regex : config.get(CoreKeys.REDACTION_PATTERNS)) {
      // validate() has rejected a pattern that does not compile.
      redactor.addDetector(Detectors.userPattern(Pattern.compile(regex)));
    }
    return redactor.build();
  }

  /**
   * {@link #from} built on first use, once: the detectors' regular expressions are compiled by
   * the first thread that redacts (an exporter's), not inside {@code init()}.
   */
  public static Supplier<Redactor> lazy(ObsConfig config) {
    return new Supplier<>() {
      private volatile @Nullable Redactor built;

      @Override
      public Redactor get() {
        Redactor redactor = built;
        if (redactor == null) {
          synchronized (this) {
            redactor = built;
            if (redactor == null) {
              redactor = from(config);
              built = redactor;
            }
          }
        }
        return redactor;
      }
    };
  }

  /**
   * What the key types alone cannot reject: a {@code redaction.patterns} entry that is not a
   * regular expression. The built-in detectors are not compiled here; init() need not pay for
   * them twice.
   */
  public static List<ConfigProblem> validate(ObsConfig config) {
    List<ConfigProblem> problems = new ArrayList<>();
    if (!config.get(CoreKeys.REDACTION_ENABLED)) {
      return problems;
    }
    for (String regex : config.get(CoreKeys.REDACTION_PATTERNS)) {
      try {
        Pattern.compile(regex);
      } catch (PatternSyntaxException e) {
        problems.add(
            new ConfigProblem(
                config.sourceOf(CoreKeys.REDACTION_PATTERNS),
                CoreKeys.REDACTION_PATTERNS.path(),
                "'" + regex + "' is not a valid regular expression: " + e.getDescription()));
      }
    }
    return problems;
  }
}
