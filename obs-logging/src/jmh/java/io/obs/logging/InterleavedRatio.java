// SPDX-License-Identifier: Apache-2.0
package io.obs.logging;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs two JMH benchmarks of one class alternately, one short fork each, round after round, and
 * prints the ratio of each round plus their median and spread. On a machine shared with other
 * work, two benchmarks run one after the other (as {@code -f 2} does) can see very different
 * load; neighbouring forks see about the same, so the ratio of each pair is steadier than the
 * ratio of two averages. The order within a pair alternates, so neither side always runs first.
 *
 * <pre>
 * java -cp ... io.obs.logging.InterleavedRatio EncodeBenchmark baseline obsWithRedaction 6 mdc=fresh
 * </pre>
 *
 * Arguments: class, baseline method, candidate method, rounds, then {@code name=value} JMH
 * parameters for both. A method may carry its own parameter as {@code method@name=value}, to
 * compare two values of one parameter:
 *
 * <pre>
 * ... InterleavedRatio AppendBenchmark loggerInfo@appender=logbackAsync loggerInfo@appender=obs 6
 * </pre>
 *
 *  Ratios are candidate/baseline of CPU nanoseconds per operation where the benchmark
 * reports {@link CpuTime}, else of the primary score (for throughput benchmarks
 * baseline/candidate), so a ratio above 1 always means the candidate is slower.
 */
public final class InterleavedRatio {

  private InterleavedRatio() {}

  public static void main(String[] args) throws RunnerException {
    String type = args[0];
    String baseline = args[1];
    String candidate = args[2];
    int rounds = Integer.parseInt(args[3]);
    List<String[]> params = new ArrayList<>();
    for (String p : Arrays.copyOfRange(args, 4, args.length)) {
      params.add(p.split("=", 2));
    }
    double[] ratios = new double[rounds];
    for (int round = 0; round < rounds; round++) {
      boolean baselineFirst = round % 2 == 0;
      double first = run(type, baselineFirst ? baseline : candidate, params);
      double second = run(type, baselineFirst ? candidate : baseline, params);
      double b = baselineFirst ? first : second;
      double c = baselineFirst ? second : first;
      boolean throughput = isThroughput;
      ratios[round] = throughput ? b / c : c / b;
      System.out.printf(
          Locale.ROOT, "round %d: %s=%.1f %s=%.1f ratio=%.3f%n",
          round + 1, baseline, b, candidate, c, ratios[round]);
    }
    double[] sorted = ratios.clone();
    Arrays.sort(sorted);
    double median =
        rounds % 2 == 1
            ? sorted[rounds / 2]
            : (sorted[rounds / 2 - 1] + sorted[rounds / 2]) / 2;
    double mean = Arrays.stream(ratios).average().orElse(Double.NaN);
    double sd =
        Math.sqrt(
            Arrays.stream(ratios).map(r -> (r - mean) * (r - mean)).sum() / Math.max(1, rounds - 1));
    System.out.printf(
        Locale.ROOT,
        "RESULT %s %s/%s %s: median %.3f, mean %.3f ± %.3f (sd), min %.3f, max %.3f, n=%d%n",
        type, candidate, baseline, String.join(" ", Arrays.copyOfRange(args, 4, args.length)),
        median, mean, sd, sorted[0], sorted[rounds - 1], rounds);
  }

  private static boolean isThroughput;

  private static double run(String type, String methodSpec, List<String[]> common)
      throws RunnerException {
    List<String[]> params = new ArrayList<>(common);
    String method = methodSpec;
    int at = methodSpec.indexOf('@');
    if (at >= 0) {
      method = methodSpec.substring(0, at);
      params.add(methodSpec.substring(at + 1).split("=", 2));
    }
    OptionsBuilder options = new OptionsBuilder();
    options
        .include("io\\.obs\\.logging\\." + type + "\\." + method + "$")
        .forks(1)
        .warmupIterations(3)
        .warmupTime(TimeValue.seconds(1))
        .measurementIterations(5)
        .measurementTime(TimeValue.seconds(1))
        .verbosity(org.openjdk.jmh.runner.options.VerboseMode.SILENT);
    for (String[] p : params) {
      options.param(p[0], p[1]);
    }
    RunResult result = new Runner(options.build()).runSingle();
    isThroughput = result.getParams().getMode() == org.openjdk.jmh.annotations.Mode.Throughput;
    var secondary = result.getSecondaryResults();
    if (secondary.containsKey("cpuNanos") && secondary.containsKey("cpuOps")) {
      // CPU time per operation (see CpuTime): lower is better whatever the benchmark mode.
      isThroughput = false;
      return secondary.get("cpuNanos").getScore() / secondary.get("cpuOps").getScore();
    }
    return result.getPrimaryResult().getScore();
  }
}
