// SPDX-License-Identifier: Apache-2.0
package io.obs.benchmarks.boot;

import io.obs.benchmarks.boot.BootBench.Options;
import io.obs.benchmarks.boot.BootBench.Quiet;
import io.obs.benchmarks.boot.OtlpSink.Counts;
import io.obs.benchmarks.boot.OtlpSink.Signal;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The Markdown report of one run: medians with ranges per variant, and ratios as the median of
 * each round's ratio, so that a slow moment of the shared machine, which slows every variant of
 * its round, cancels out of the ratio instead of landing on whichever variant it hit.
 */
final class Report {

  private final Options options;
  private final List<Run> runs;
  private final Quiet quiet;
  private final String uptimeBefore;
  private final String uptimeAfter;

  Report(Options options, List<Run> runs, Quiet quiet, String uptimeBefore, String uptimeAfter) {
    this.options = options;
    this.runs = runs;
    this.quiet = quiet;
    this.uptimeBefore = uptimeBefore;
    this.uptimeAfter = uptimeAfter;
  }

  /** One measured quantity: how to read it from a run, and how to print it. */
  private record Metric(String name, ToDoubleFunction<Run> value, String format) {}

  private static final List<Metric> METRICS = List.of(
      new Metric("Time to first 200 on the route (ms)", Run::firstResponseMillis, "%.0f"),
      new Metric("Boot \"Started ... in\" (s)", Run::bootStartedSeconds, "%.2f"),
      new Metric("Boot \"process running for\" (s)", Run::bootProcessSeconds, "%.2f"),
      new Metric("Start-up CPU until the first 200 (s)", Run::startupCpuSeconds, "%.2f"),
      new Metric("Classes loaded at the first 200", r -> r.loadedClasses() < 0 ? Double.NaN : r.loadedClasses(), "%.0f"),
      new Metric("Throughput (requests/s)", Run::requestsPerSecond, "%.0f"),
      new Metric("Latency p50 (ms)", Run::p50Millis, "%.2f"),
      new Metric("Latency p99 (ms)", Run::p99Millis, "%.2f"),
      new Metric("Application CPU per request (µs)", Run::cpuMicrosPerRequest, "%.0f"),
      new Metric("Peak RSS (MB)", r -> r.peakRssKb() / 1024.0, "%.0f"));

  String markdown() {
    StringBuilder md = new StringBuilder();
    List<String> variants = options.variants;
    md.append("<!-- SPDX-License-Identifier: Apache-2.0 -->\n");
    md.append("# Spring Boot starter: start-up and throughput, ")
        .append(ZonedDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE)).append("\n\n");
    if (!options.label.isEmpty()) {
      md.append(options.label).append("\n\n");
    }
    md.append("One Spring Boot 3.5.7 MVC application on Tomcat (`GET /orders/{id}`: one downstream call")
        .append(" through the injected `RestClient.Builder` to `/prices/{sku}` on the same process,")
        .append(" one counter on the injected `MeterRegistry`, one log line with a key-value pair, a")
        .append(" JSON body), built three times and run from its executable jar in a fresh JVM per")
        .append(" measurement. ").append(options.rounds).append(" rounds; each round runs every")
        .append(" variant once, in an order that rotates from round to round. Cells are median")
        .append(" (min–max); ratios are the median of the per-round ratios.\n\n");
    md.append("- Variants:\n");
    for (String v : variants) {
      md.append("  - `").append(v).append("`: ").append(BootBench.DESCRIPTIONS.get(v)).append('\n');
    }
    md.append("- Machine: ").append(Proc.cores()).append(" cores, shared; Java ")
        .append(System.getProperty("java.version")).append(" (").append(System.getProperty("java.vm.name"))
        .append("); application JVM flags `").append(String.join(" ", options.jvmArgs)).append("`\n");
    md.append("- Load: `wrk --latency -t").append(options.threads).append(" -c").append(options.connections)
        .append(" -d").append(options.durationSeconds).append("s` on loopback after a ")
        .append(options.warmupSeconds).append(" s warm-up with the same settings; wrk and the OTLP sink")
        .append(" run on the same two cores as the application.\n");
    md.append("- Machine load: before the run `").append(uptimeBefore).append("`; after `")
        .append(uptimeAfter).append("`. ")
        .append(quiet.quiet()
            ? String.format(Locale.ROOT, "The 1-minute load was %.2f (< %.2f) when the first round started",
                quiet.load1(), options.quietLoad)
            : String.format(Locale.ROOT, "The 1-minute load never dropped under %.2f (%.2f after waiting %.0f s); measured anyway",
                options.quietLoad, quiet.load1(), quiet.waitedSeconds()))
        .append(". CPU that other processes used (busy CPU of the machine minus the application's,")
        .append(" wrk's and the harness's), in cores: from process start to the first 200, ")
        .append(spread(all(Run::otherCoresStartup), "%.2f"))
        .append("; during the measured wrk runs, ").append(spread(all(Run::otherCores), "%.2f"))
        .append(".\n\n");

    md.append("## Results\n\n");
    md.append("| Metric |");
    variants.forEach(v -> md.append(" `").append(v).append("` |"));
    List<String[]> pairs = pairs(variants);
    pairs.forEach(p -> md.append(" ").append(p[0]).append(" / ").append(p[1]).append(" |"));
    md.append("\n|---|");
    variants.forEach(v -> md.append("---:|"));
    pairs.forEach(p -> md.append("---:|"));
    md.append('\n');
    for (Metric metric : METRICS) {
      if (of(variants.get(0), metric.value()).isEmpty()) {
        // Not measured in this run: throughput when it measured start-up only.
        continue;
      }
      md.append("| ").append(metric.name()).append(" |");
      for (String v : variants) {
        md.append(' ').append(cell(of(v, metric.value()), metric.format())).append(" |");
      }
      for (String[] p : pairs) {
        md.append(' ').append(fmt("%.3f", pairedRatio(p[0], p[1], metric.value()))).append(" |");
      }
      md.append('\n');
    }
    md.append('\n');
    verdicts(md);

    md.append("## What reached the OTLP sink\n\n");
    md.append("Per run, from process start to exit after SIGTERM (medians). \"Per request\" divides by")
        .append(" the route requests the process served (first request, warm-up and measurement); each")
        .append(" of them is two server requests and one client call inside the application.\n\n");
    md.append("| Variant | trace exports | trace KB | spans | spans per request | log exports | log KB")
        .append(" | log records | records per request | metric exports | metric KB | metrics |")
        .append(" route requests | wrk errors | stop after SIGTERM (ms) |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (String v : variants) {
      md.append("| `").append(v).append("` | ")
          .append(fmt("%.0f", median(of(v, r -> sink(r, Signal.TRACES).requests())))).append(" | ")
          .append(fmt("%.0f", median(of(v, r -> sink(r, Signal.TRACES).bytes() / 1024.0)))).append(" | ")
          .append(fmt("%.0f", median(of(v, r -> sink(r, Signal.TRACES).items())))).append(" | ")
          .append(fmt("%.2f", median(of(v, r -> sink(r, Signal.TRACES).items() / (double) r.handledRequests()))))
          .append(" | ")
          .append(fmt("%.0f", median(of(v, r -> sink(r, Signal.LOGS).requests())))).append(" | ")
          .append(fmt("%.0f", median(of(v, r -> sink(r, Signal.LOGS).bytes() / 1024.0)))).append(" | ")
          .append(fmt("%.0f", median(of(v, r -> sink(r, Signal.LOGS).items())))).append(" | ")
          .append(fmt("%.2f", median(of(v, r -> sink(r, Signal.LOGS).items() / (double) r.handledRequests()))))
          .append(" | ")
          .append(fmt("%.0f", median(of(v, r -> sink(r, Signal.METRICS).requests())))).append(" | ")
          .append(fmt("%.0f", median(of(v, r -> sink(r, Signal.METRICS).bytes() / 1024.0)))).append(" | ")
          .append(fmt("%.0f", median(of(v, r -> sink(r, Signal.METRICS).items())))).append(" | ")
          .append(fmt("%.0f", median(of(v, r -> r.handledRequests())))).append(" | ")
          .append(fmt("%.0f", median(of(v, r -> r.errors())))).append(" | ")
          .append(fmt("%.0f", median(of(v, Run::stopMillis)))).append(" |\n");
    }
    long undecoded = runs.stream()
        .mapToLong(r -> r.sink().values().stream().mapToLong(Counts::undecoded).sum()).sum();
    md.append("\nExport requests whose items could not be counted (not protobuf, or not decodable): ")
        .append(undecoded).append(".\n\n");

    md.append("## WARN and ERROR lines in the applications' output\n\n");
    for (String v : variants) {
      List<Run> own = runs.stream().filter(r -> r.variant().equals(v)).toList();
      md.append("- `").append(v).append("`: median ")
          .append(fmt("%.0f", median(of(v, r -> r.warnings().size())))).append(" per run");
      Set<String> distinct = new LinkedHashSet<>();
      own.forEach(r -> r.warnings().forEach(w -> distinct.add(shorten(w))));
      if (distinct.isEmpty()) {
        md.append(".\n");
        continue;
      }
      md.append("; those of round 1:\n\n  ```text\n");
      own.get(0).warnings().stream().map(Report::shorten).distinct().limit(12)
          .forEach(w -> md.append("  ").append(w).append('\n'));
      md.append("  ```\n");
    }
    md.append('\n');

    md.append("## Every run\n\n");
    md.append("| Round | Variant | first 200 (ms) | started (s) | process (s) | start-up CPU (s)")
        .append(" | others' CPU in start-up (cores) | req/s | p50 (ms) | p99 (ms) | CPU/req (µs) | RSS (MB)")
        .append(" | spans | log records | others' CPU under wrk (cores) | load1 at start |\n");
    md.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Run r : runs) {
      md.append("| ").append(r.round()).append(" | `").append(r.variant()).append("` | ")
          .append(fmt("%.0f", r.firstResponseMillis())).append(" | ")
          .append(fmt("%.2f", r.bootStartedSeconds())).append(" | ")
          .append(fmt("%.2f", r.bootProcessSeconds())).append(" | ")
          .append(fmt("%.2f", r.startupCpuSeconds())).append(" | ")
          .append(fmt("%.2f", r.otherCoresStartup())).append(" | ")
          .append(fmt("%.0f", r.requestsPerSecond())).append(" | ")
          .append(fmt("%.2f", r.p50Millis())).append(" | ")
          .append(fmt("%.2f", r.p99Millis())).append(" | ")
          .append(fmt("%.0f", r.cpuMicrosPerRequest())).append(" | ")
          .append(r.peakRssKb() / 1024).append(" | ")
          .append(sink(r, Signal.TRACES).items()).append(" | ")
          .append(sink(r, Signal.LOGS).items()).append(" | ")
          .append(fmt("%.2f", r.otherCores())).append(" | ")
          .append(fmt("%.2f", r.load1AtStart())).append(" |\n");
    }
    return md.toString();
  }

  /** The targets, stated with the numbers they rest on. */
  private void verdicts(StringBuilder md) {
    if (!options.variants.containsAll(List.of("none", "otel", "obs"))) {
      return;
    }
    md.append("### Against the targets\n\n");
    // Wall time is what the targets speak of, and what other processes distort most: a round
    // counts as quiet when they took less than QUIET_CORES while each of its variants started.
    Set<Integer> quiet = quietRounds(Run::otherCoresStartup);
    Set<Integer> every = quietRounds(r -> 0);
    ToDoubleFunction<Run> first = Run::firstResponseMillis;
    md.append(fmt("- Start-up (time to first 200), the %d quiet rounds of %d (other processes used",
            quiet.size(), every.size()))
        .append(fmt(" under %.2f cores while each variant started): ", QUIET_CORES));
    if (quiet.size() < 3) {
      md.append("too few for a verdict; see the start-up CPU and the ranges.\n");
    } else {
      double obsOverNone = paired("obs", "none", first, true, quiet) - 1;
      double otelOverNone = paired("otel", "none", first, true, quiet) - 1;
      double obsAdded = paired("obs", "none", first, false, quiet);
      double otelAdded = paired("otel", "none", first, false, quiet);
      md.append(fmt("obs adds %+.0f ms (%+.1f %%) to no telemetry, the OpenTelemetry starter",
              obsAdded, obsOverNone * 100))
          .append(fmt(" %+.0f ms (%+.1f %%).", otelAdded, otelOverNone * 100))
          .append(" obs adds less than the OpenTelemetry starter: **")
          .append(obsAdded < otelAdded ? "yes" : "no").append("**; under 15 % over no telemetry: **")
          .append(obsOverNone < 0.15 ? "yes" : "no").append("**.\n");
    }
    if (options.variants.contains("actuator") && quiet.size() >= 3) {
      // The other anchor of the issue: Boot's own Actuator, Micrometer and Micrometer Tracing.
      md.append(fmt("- Against Spring Boot's own telemetry (Actuator, Prometheus registry, Micrometer"
              + " Tracing over OTLP), quiet rounds: it adds %+.0f ms (%+.1f %%) to no telemetry;"
              + " obs's start-up is %.3f of it.\n",
          paired("actuator", "none", first, false, quiet),
          (paired("actuator", "none", first, true, quiet) - 1) * 100,
          paired("obs", "actuator", first, true, quiet)));
    }
    md.append(fmt("- The same over all %d rounds: obs %+.1f %%, OpenTelemetry starter %+.1f %%.\n",
        every.size(), (paired("obs", "none", first, true, every) - 1) * 100,
        (paired("otel", "none", first, true, every) - 1) * 100));
    ToDoubleFunction<Run> cpuToFirst = Run::startupCpuSeconds;
    md.append(fmt("- Start-up CPU until the first 200 (hardly moved by other processes), all rounds: obs %+.1f %%,",
            (paired("obs", "none", cpuToFirst, true, every) - 1) * 100))
        .append(fmt(" OpenTelemetry starter %+.1f %% over no telemetry.\n",
            (paired("otel", "none", cpuToFirst, true, every) - 1) * 100));
    ToDoubleFunction<Run> started = Run::bootStartedSeconds;
    md.append(quiet.size() < 3 ? "" : fmt("- Boot's own \"Started ... in\", quiet rounds: obs %+.1f %%, OpenTelemetry starter %+.1f %% over no telemetry.\n",
        (paired("obs", "none", started, true, quiet) - 1) * 100,
        (paired("otel", "none", started, true, quiet) - 1) * 100));
    if (options.durationSeconds == 0) {
      md.append('\n');
      return;
    }
    ToDoubleFunction<Run> rps = Run::requestsPerSecond;
    ToDoubleFunction<Run> cpu = Run::cpuMicrosPerRequest;
    md.append(fmt("- Throughput, all rounds: obs %.1f %% of no telemetry and %.1f %% of the OpenTelemetry starter",
            paired("obs", "none", rps, true, every) * 100, paired("obs", "otel", rps, true, every) * 100))
        .append(fmt(" (OpenTelemetry starter: %.1f %% of no telemetry).",
            paired("otel", "none", rps, true, every) * 100))
        .append(fmt(" CPU per request: obs %.2f×, OpenTelemetry starter %.2f× no telemetry's.\n",
            paired("obs", "none", cpu, true, every), paired("otel", "none", cpu, true, every)));
    Set<Integer> quietLoad = quietRounds(Run::otherCores);
    md.append(fmt("- Throughput in the %d rounds where other processes used under %.2f cores during", quietLoad.size(), QUIET_CORES))
        .append(" every variant's measurement: ")
        .append(quietLoad.isEmpty() ? "none.\n" : fmt("obs %.1f %% of no telemetry and %.1f %% of the OpenTelemetry starter; p99 obs %.2f×, OpenTelemetry starter %.2f× no telemetry's.\n",
            paired("obs", "none", rps, true, quietLoad) * 100, paired("obs", "otel", rps, true, quietLoad) * 100,
            paired("obs", "none", Run::p99Millis, true, quietLoad), paired("otel", "none", Run::p99Millis, true, quietLoad)));
    md.append('\n');
  }

  /** Below this many cores of other processes' CPU, a measurement counts as quiet. */
  private static final double QUIET_CORES = 0.25;

  /** Rounds in which every variant ran and {@code noise} stayed under {@link #QUIET_CORES}. */
  private Set<Integer> quietRounds(ToDoubleFunction<Run> noise) {
    Set<Integer> out = new java.util.TreeSet<>();
    for (int round = 1; round <= options.rounds; round++) {
      boolean quiet = true;
      for (String v : options.variants) {
        Run r = find(round, v);
        quiet &= r != null && noise.applyAsDouble(r) < QUIET_CORES;
      }
      if (quiet) {
        out.add(round);
      }
    }
    return out;
  }

  /** Each variant against each one before it in the list: obs/none, obs/otel, otel/none. */
  private static List<String[]> pairs(List<String> variants) {
    List<String[]> out = new ArrayList<>();
    for (int i = variants.size() - 1; i > 0; i--) {
      for (int j = 0; j < i; j++) {
        out.add(new String[] {variants.get(i), variants.get(j)});
      }
    }
    return out;
  }

  private static Counts sink(Run r, Signal signal) {
    return r.sink().get(signal);
  }

  private List<Double> of(String variant, ToDoubleFunction<Run> value) {
    List<Double> out = new ArrayList<>();
    for (Run r : runs) {
      if (r.variant().equals(variant)) {
        double v = value.applyAsDouble(r);
        if (!Double.isNaN(v)) {
          out.add(v);
        }
      }
    }
    return out;
  }

  private List<Double> all(ToDoubleFunction<Run> value) {
    List<Double> out = new ArrayList<>();
    for (Run r : runs) {
      double v = value.applyAsDouble(r);
      if (!Double.isNaN(v)) {
        out.add(v);
      }
    }
    return out;
  }

  /** "median m, max x", or n/a. */
  private static String spread(List<Double> values, String format) {
    return values.isEmpty() ? "n/a" : "median " + fmt(format, median(values)) + ", max "
        + fmt(format, Collections.max(values));
  }

  /** Median over rounds of {@code a / b}, both measured in the same round. */
  private double pairedRatio(String a, String b, ToDoubleFunction<Run> value) {
    return paired(a, b, value, true, quietRounds(r -> 0));
  }

  /**
   * Median over the given rounds of {@code a / b} (or {@code a - b}), both measured in the same
   * round.
   */
  private double paired(String a, String b, ToDoubleFunction<Run> value, boolean ratio,
      Set<Integer> rounds) {
    List<Double> out = new ArrayList<>();
    for (int round : rounds) {
      Run ra = find(round, a);
      Run rb = find(round, b);
      if (ra == null || rb == null) {
        continue;
      }
      double va = value.applyAsDouble(ra);
      double vb = value.applyAsDouble(rb);
      if (!Double.isNaN(va) && !Double.isNaN(vb)) {
        out.add(ratio ? va / vb : va - vb);
      }
    }
    return median(out);
  }

  private Run find(int round, String variant) {
    for (Run r : runs) {
      if (r.round() == round && r.variant().equals(variant)) {
        return r;
      }
    }
    return null;
  }

  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static String cell(List<Double> values, String format) {
    if (values.isEmpty()) {
      return "n/a";
    }
    return fmt(format, median(values)) + " (" + fmt(format, Collections.min(values)) + "–"
        + fmt(format, Collections.max(values)) + ")";
  }

  private static String fmt(String format, Object... args) {
    for (Object arg : args) {
      if (arg instanceof Double d && d.isNaN()) {
        return "n/a";
      }
    }
    return String.format(Locale.ROOT, format, args);
  }

  /** A log line without its leading timestamp, cut to a readable length. */
  private static String shorten(String line) {
    String s = line.replaceFirst("^\\d{4}-\\d{2}-\\d{2}T[0-9:.]+([+-]\\d{2}:\\d{2}|Z)?\\s+", "")
        .replaceFirst("\"@?timestamp\":\"[^\"]*\",?", "");
    return s.length() > 400 ? s.substring(0, 400) + "…" : s;
  }
}
