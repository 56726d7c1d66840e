// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.obs.config.ConfigKey;
import io.obs.config.CoreKeys;
import io.obs.config.ObsConfigException;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * obs.yaml files built from obs's own keys and broken at random (wrong types, YAML tags, anchors
 * and aliases, flow collections, deep nesting, duplicate keys, control characters, huge values):
 * loading either succeeds or throws {@link ObsConfigException} with at least one positioned
 * problem, never anything else, and each file takes well under a second. A fixed budget in every
 * build; {@code -Dobs.fuzz.seconds=600} (and {@code -Dobs.fuzz.seed}) for a longer run.
 */
class ConfigFuzzTest {

  private static final List<String> NOISE = List.of(
      "!!java.lang.Runtime", "&a [1, 2]", "*a", "{x: 1, y: [2, {z: 3}]}", "[[[[[[[[[[1]]]]]]]]]]",
      "'unterminated", "\"\\u0000\"", "~", "0x1F", "1e400", "-0", ".inf", "${env:NOPE}",
      "${env:NOPE:-fallback}", "\t\t", ": :", "? complex", "!binary |\n  AAAA", "- - -");

  @Test
  void randomFilesLoadOrFailCleanly() {
    long seed = Long.getLong("obs.fuzz.seed", 0xc0f_f1eL);
    long budget = System.nanoTime() + Long.getLong("obs.fuzz.seconds", 2) * 1_000_000_000L;
    SplittableRandom random = new SplittableRandom(seed);
    List<ConfigKey<?>> keys = CoreKeys.ALL;
    int cases = 0;
    int valid = 0;
    for (; cases < 20_000 && System.nanoTime() < budget; cases++) {
      String yaml = file(random, keys);
      long start = System.nanoTime();
      try {
        ConfigLoader.load(ConfigLoaderTest.request(yaml, Map.of(), Map.of(), Map.of()), keys);
        valid++;
      } catch (ObsConfigException e) {
        assertThat(e.problems()).as("seed %d case %d:%n%s", seed, cases, yaml).isNotEmpty();
      } catch (RuntimeException | Error e) {
        throw new AssertionError("seed " + seed + " case " + cases + " threw " + e + " for:\n"
            + yaml, e);
      }
      assertThat(System.nanoTime() - start).as("seed %d case %d", seed, cases)
          .isLessThan(1_000_000_000L);
    }
    System.out.println("ConfigFuzzTest: " + cases + " files, seed " + seed + ", " + valid
        + " valid");
    assertThat(cases).isPositive();
  }

  private static String file(SplittableRandom random, List<ConfigKey<?>> keys) {
    StringBuilder yaml = new StringBuilder();
    int entries = 1 + random.nextInt(8);
    for (int i = 0; i < entries; i++) {
      String path = keys.get(random.nextInt(keys.size())).path();
      if (random.nextInt(10) == 0) {
        path = path + "x"; // an unknown key
      }
      String[] segments = path.split("\\.");
      for (int depth = 0; depth < segments.length - 1; depth++) {
        yaml.append("  ".repeat(depth)).append(segments[depth]).append(":\n");
      }
      yaml.append("  ".repeat(segments.length - 1)).append(segments[segments.length - 1])
          .append(": ").append(value(random)).append('\n');
    }
    if (random.nextInt(5) == 0) {
      int at = random.nextInt(yaml.length() + 1);
      yaml.insert(at, NOISE.get(random.nextInt(NOISE.size())));
    }
    return yaml.toString();
  }

  private static String value(SplittableRandom random) {
    return switch (random.nextInt(9)) {
      case 0 -> Integer.toString(random.nextInt());
      case 1 -> random.nextBoolean() ? "true" : "off";
      case 2 -> (random.nextInt(1000)) + List.of("ms", "s", "m", "h", "d", "x", "").get(random.nextInt(7));
      case 3 -> "http://" + "h".repeat(1 + random.nextInt(30)) + ":" + random.nextInt(70_000);
      case 4 -> "[a, b, " + random.nextInt() + "]";
      case 5 -> "{k: v, k2: " + random.nextInt() + "}";
      case 6 -> "\"" + "x".repeat(random.nextInt(20_000)) + "\"";
      case 7 -> NOISE.get(random.nextInt(NOISE.size()));
      default -> "value-" + random.nextInt(100);
    };
  }
}
