// SPDX-License-Identifier: Apache-2.0
package io.obs.benchmarks.boot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One bounded run of the {@code wrk} load generator and what it printed. */
final class Wrk {

  /** wrk's summary; latencies in milliseconds. */
  record Result(long requests, double requestsPerSecond, double p50Millis, double p99Millis,
      long errors, String output) {}

  private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ");
  private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
  private static final Pattern SOCKET_ERRORS =
      Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

  private Wrk() {}

  /**
   * Runs {@code wrk} against {@code url} for {@code seconds} and waits for it, killing it if it
   * overruns by a minute (wrk stops by itself; the bound only guards against a hung child).
   */
  static Result run(String url, int threads, int connections, int seconds)
      throws IOException, InterruptedException {
    Process wrk = new ProcessBuilder(List.of("wrk", "--latency", "-t" + threads,
        "-c" + connections, "-d" + seconds + "s", "--timeout", "10s", url))
        .redirectErrorStream(true)
        .start();
    byte[] out = wrk.getInputStream().readAllBytes();
    if (!wrk.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
      wrk.destroyForcibly();
      throw new IOException("wrk did not finish within " + (seconds + 60) + " s");
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (wrk.exitValue() != 0) {
      throw new IOException("wrk exited with " + wrk.exitValue() + ":\n" + text);
    }
    return parse(text);
  }

  static Result parse(String text) {
    long requests = Long.parseLong(find(REQUESTS, text, "request count"));
    double rate = Double.parseDouble(find(RATE, text, "Requests/sec"));
    long errors = 0;
    Matcher non2xx = NON_2XX.matcher(text);
    if (non2xx.find()) {
      errors += Long.parseLong(non2xx.group(1));
    }
    Matcher socket = SOCKET_ERRORS.matcher(text);
    if (socket.find()) {
      for (int i = 1; i <= 4; i++) {
        errors += Long.parseLong(socket.group(i));
      }
    }
    return new Result(requests, rate, percentile(text, "50%"), percentile(text, "99%"), errors,
        text);
  }

  /** A line of wrk's latency distribution, {@code "     99%   13.37ms"}, in milliseconds. */
  private static double percentile(String text, String label) {
    Matcher m = Pattern.compile("^\\s*" + Pattern.quote(label) + "\\s+([0-9.]+)(us|ms|s)\\s*$",
        Pattern.MULTILINE).matcher(text);
    if (!m.find()) {
      throw new IllegalArgumentException("no " + label + " latency in wrk's output:\n" + text);
    }
    double value = Double.parseDouble(m.group(1));
    return switch (m.group(2)) {
      case "us" -> value / 1000;
      case "s" -> value * 1000;
      default -> value;
    };
  }

  private static String find(Pattern pattern, String text, String what) {
    Matcher m = pattern.matcher(text);
    if (!m.find()) {
      throw new IllegalArgumentException("no " + what + " in wrk's output:\n" + text);
    }
    return m.group(1);
  }
}
