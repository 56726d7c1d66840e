// SPDX-License-Identifier: Apache-2.0
package io.obs.metrics.internal;

import io.obs.internal.redact.Redactor;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Internal: not for use outside obs.
 *
 * <p>Puts the OpenTelemetry SDK's instruments (read by the OpenTelemetry {@code
 * PrometheusMetricReader}) into the same Prometheus registry as the Micrometer meters, with two
 * adjustments: every series gets the common labels ({@code service}, {@code env}), and a metric
 * whose name Micrometer already exposes is left out with one WARN, because two families with one
 * name would make the whole scrape invalid.
 */
public final class OtelCollector implements MultiCollector {

  private static final System.Logger LOG = System.getLogger("io.obs");

  private final MultiCollector source;
  private final Labels commonLabels;
  private final Supplier<Redactor> redaction;
  private final Supplier<Set<String>> takenNames;
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  /**
   * @param source the OpenTelemetry reader
   * @param commonLabels labels for every series, name to value
   * @param takenNames {@link #familyName normalised} names exposed by Micrometer
   */
  public OtelCollector(
      MultiCollector source, Map<String, String> commonLabels, Supplier<Set<String>> takenNames,
      Supplier<Redactor> redaction) {
    this.redaction = redaction;
    this.source = source;
    Labels.Builder labels = Labels.builder();
    commonLabels.forEach(labels::label);
    this.commonLabels = labels.build();
    this.takenNames = takenNames;
  }

  /**
   * A metric family's name without type suffixes, so a counter {@code x_total} and a gauge
   * {@code x} compare equal (Prometheus rejects such a pair just as it rejects equal names).
   */
  public static String familyName(String name) {
    String n = name.replace('.', '_');
    for (String suffix : List.of("_total", "_bucket", "_info")) {
      if (n.endsWith(suffix)) {
        return n.substring(0, n.length() - suffix.length());
      }
    }
    return n;
  }

  @Override
  public MetricSnapshots collect() {
    return collect(name -> true);
  }

  @Override
  public MetricSnapshots collect(Predicate<String> includedNames) {
    MetricSnapshots snapshots = source.collect();
    Set<String> taken = takenNames.get();
    MetricSnapshots.Builder result = MetricSnapshots.builder();
    for (MetricSnapshot snapshot : snapshots) {
      String name = snapshot.getMetadata().getPrometheusName();
      if (!includedNames.test(name)) {
        continue;
      }
      if (taken.contains(familyName(name))) {
        if (warned.add(name)) {
          LOG.log(
              Level.WARNING,
              "obs-metrics: the OpenTelemetry metric ''{0}'' has the same Prometheus name as a"
                  + " Micrometer meter; only the Micrometer meter is exposed on /metrics. Rename"
                  + " one of them.",
              name);
        }
        continue;
      }
      result.metricSnapshot(relabel(snapshot));
    }
    return result.build();
  }

  private MetricSnapshot relabel(MetricSnapshot snapshot) {
    MetricMetadata metadata = snapshot.getMetadata();
    boolean needsHelp = metadata.getHelp() == null || metadata.getHelp().isBlank();
    if (commonLabels.isEmpty() && !needsHelp && !redaction.get().isEnabled()) {
      return snapshot;
    }
    if (needsHelp) {
      // promtool (and Grafana's metric browser) want a HELP line; an instrument without a
      // description gets its own name rather than none.
      String help =
          snapshot instanceof InfoSnapshot && metadata.getName().equals("target")
              ? "Target metadata: the OpenTelemetry resource of this process."
              : metadata.getName();
      metadata =
          metadata.hasUnit()
              ? new MetricMetadata(metadata.getName(), help, metadata.getUnit())
              : new MetricMetadata(metadata.getName(), help);
    }
    if (snapshot instanceof CounterSnapshot counter) {
      List<CounterDataPointSnapshot> points = new ArrayList<>();
      for (CounterDataPointSnapshot p : counter.getDataPoints()) {
        points.add(
            new CounterDataPointSnapshot(
                p.getValue(),
                labels(p.getLabels()),
                p.getExemplar(),
                p.getCreatedTimestampMillis(),
                p.getScrapeTimestampMillis()));
      }
      return new CounterSnapshot(metadata, points);
    }
    if (snapshot instanceof GaugeSnapshot gauge) {
      List<GaugeDataPointSnapshot> points = new ArrayList<>();
      for (GaugeDataPointSnapshot p : gauge.getDataPoints()) {
        points.add(
            new GaugeDataPointSnapshot(
                p.getValue(), labels(p.getLabels()), p.getExemplar(), p.getScrapeTimestampMillis()));
      }
      return new GaugeSnapshot(metadata, points);
    }
    if (snapshot instanceof HistogramSnapshot histogram) {
      List<HistogramDataPointSnapshot> points = new ArrayList<>();
      for (HistogramDataPointSnapshot p : histogram.getDataPoints()) {
        points.add(
            new HistogramDataPointSnapshot(
                p.getClassicBuckets(),
                p.getNativeSchema(),
                p.getNativeZeroCount(),
                p.getNativeZeroThreshold(),
                p.getNativeBucketsForPositiveValues(),
                p.getNativeBucketsForNegativeValues(),
                p.getSum(),
                labels(p.getLabels()),
                p.getExemplars(),
                p.getCreatedTimestampMillis(),
                p.getScrapeTimestampMillis()));
      }
      return new HistogramSnapshot(histogram.isGaugeHistogram(), metadata, points);
    }
    if (snapshot instanceof SummarySnapshot summary) {
      List<SummaryDataPointSnapshot> points = new ArrayList<>();
      for (SummaryDataPointSnapshot p : summary.getDataPoints()) {
        points.add(
            new SummaryDataPointSnapshot(
                p.getCount(),
                p.getSum(),
                p.getQuantiles(),
                labels(p.getLabels()),
                p.getExemplars(),
                p.getCreatedTimestampMillis(),
                p.getScrapeTimestampMillis()));
      }
      return new SummarySnapshot(metadata, points);
    }
    if (snapshot instanceof InfoSnapshot info) {
      List<InfoDataPointSnapshot> points = new ArrayList<>();
      for (InfoDataPointSnapshot p : info.getDataPoints()) {
        points.add(new InfoDataPointSnapshot(labels(p.getLabels()), p.getScrapeTimestampMillis()));
      }
      return new InfoSnapshot(metadata, points);
    }
    // The OpenTelemetry converter emits only the types above; anything else passes unchanged.
    return snapshot;
  }

  private Labels labels(Labels own) {
    Labels merged = redacted(own);
    for (int i = 0; i < commonLabels.size(); i++) {
      // An instrument's own attribute of the same name wins; a duplicate would fail the scrape.
      if (!merged.contains(commonLabels.getName(i))) {
        merged = merged.add(commonLabels.getName(i), commonLabels.getValue(i));
      }
    }
    return merged;
  }

  /** The attribute values with the redaction policy applied, as obs's Micrometer meters get it. */
  private Labels redacted(Labels own) {
    Redactor redactor = redaction.get();
    if (!redactor.isEnabled()) {
      return own;
    }
    Labels.Builder changed = null;
    for (int i = 0; i < own.size(); i++) {
      String name = own.getName(i);
      String value = own.getValue(i);
      String clean = redactor.isReplacement(value) ? value : redactor.redactField(name, value);
      if (clean != value && changed == null) {
        changed = Labels.builder();
        for (int j = 0; j < i; j++) {
          changed.label(own.getName(j), own.getValue(j));
        }
      }
      if (changed != null) {
        changed.label(name, clean);
      }
    }
    return changed == null ? own : changed.build();
  }
}
