// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import io.obs.internal.redact.Redactor;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributeType;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.common.ValueType;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.logs.data.Body;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.Data;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.ExponentialHistogramData;
import io.opentelemetry.sdk.metrics.data.ExponentialHistogramPointData;
import io.opentelemetry.sdk.metrics.data.GaugeData;
import io.opentelemetry.sdk.metrics.data.HistogramData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.metrics.data.SumData;
import io.opentelemetry.sdk.metrics.data.SummaryData;
import io.opentelemetry.sdk.metrics.data.SummaryPointData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. Applies the redaction policy ({@code redaction.*}) to spans,
 * log records and OpenTelemetry metric points as they are pushed, on the exporter's thread, so the application's threads pay
 * nothing for it: span names, attribute values (every string, and any value under a denylisted
 * name), event and link attributes (exception messages and stack traces), status descriptions, log
 * bodies and log attributes, metric point attributes. What has nothing to hide is passed on as it
 * is.
 *
 * <p>Values that already are what redaction writes (the mask, a keyed hash) are left alone: obs's
 * log records were redacted when they were logged, and hashing a hash would give the exported
 * record a different hash from the log line.
 */
final class RedactingExporters {

  private RedactingExporters() {}

  static SpanExporter spans(SpanExporter delegate, Supplier<Redactor> policy) {
    return new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        Redactor redactor = policy.get();
        List<SpanData> out = new ArrayList<>(spans.size());
        for (SpanData span : spans) {
          out.add(span(span, redactor));
        }
        return delegate.export(out);
      }

      @Override
      public CompletableResultCode flush() {
        return delegate.flush();
      }

      @Override
      public CompletableResultCode shutdown() {
        return delegate.shutdown();
      }

      @Override
      public String toString() {
        return "Redacting{" + delegate + "}";
      }
    };
  }

  static LogRecordExporter logs(LogRecordExporter delegate, Supplier<Redactor> policy) {
    return new LogRecordExporter() {
      @Override
      public CompletableResultCode export(Collection<LogRecordData> logs) {
        Redactor redactor = policy.get();
        List<LogRecordData> out = new ArrayList<>(logs.size());
        for (LogRecordData log : logs) {
          out.add(log(log, redactor));
        }
        return delegate.export(out);
      }

      @Override
      public CompletableResultCode flush() {
        return delegate.flush();
      }

      @Override
      public CompletableResultCode shutdown() {
        return delegate.shutdown();
      }

      @Override
      public String toString() {
        return "Redacting{" + delegate + "}";
      }
    };
  }

  static MetricExporter metrics(MetricExporter delegate, Supplier<Redactor> policy) {
    return new MetricExporter() {
      @Override
      public CompletableResultCode export(Collection<MetricData> metrics) {
        Redactor redactor = policy.get();
        List<MetricData> out = new ArrayList<>(metrics.size());
        for (MetricData metric : metrics) {
          out.add(metric(metric, redactor));
        }
        return delegate.export(out);
      }

      @Override
      public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
        return delegate.getAggregationTemporality(instrumentType);
      }

      @Override
      public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
        return delegate.getDefaultAggregation(instrumentType);
      }

      @Override
      public MemoryMode getMemoryMode() {
        return delegate.getMemoryMode();
      }

      @Override
      public CompletableResultCode flush() {
        return delegate.flush();
      }

      @Override
      public CompletableResultCode shutdown() {
        return delegate.shutdown();
      }

      @Override
      public String toString() {
        return "Redacting{" + delegate + "}";
      }
    };
  }

  /**
   * The metric with the attribute values of its points redacted, or the same metric when there
   * was nothing to hide. A point that changes loses its exemplars (the SDK's public factories
   * take none for some point types); points with nothing to hide keep theirs.
   */
  static MetricData metric(MetricData metric, Redactor redactor) {
    Data<?> data = metric.getData();
    Data<?> clean =
        switch (metric.getType()) {
          case LONG_GAUGE -> {
            List<LongPointData> points =
                points(metric.getLongGaugeData().getPoints(), redactor, RedactingExporters::with);
            yield points == null ? data : GaugeData.createLongGaugeData(points);
          }
          case DOUBLE_GAUGE -> {
            List<DoublePointData> points =
                points(metric.getDoubleGaugeData().getPoints(), redactor, RedactingExporters::with);
            yield points == null ? data : GaugeData.createDoubleGaugeData(points);
          }
          case LONG_SUM -> {
            SumData<LongPointData> sum = metric.getLongSumData();
            List<LongPointData> points = points(sum.getPoints(), redactor, RedactingExporters::with);
            yield points == null
                ? data
                : SumData.createLongSumData(sum.isMonotonic(), sum.getAggregationTemporality(),
                    points);
          }
          case DOUBLE_SUM -> {
            SumData<DoublePointData> sum = metric.getDoubleSumData();
            List<DoublePointData> points =
                points(sum.getPoints(), redactor, RedactingExporters::with);
            yield points == null
                ? data
                : SumData.createDoubleSumData(sum.isMonotonic(), sum.getAggregationTemporality(),
                    points);
          }
          case HISTOGRAM -> {
            HistogramData histogram = metric.getHistogramData();
            List<HistogramPointData> points =
                points(histogram.getPoints(), redactor, RedactingExporters::with);
            yield points == null
                ? data
                : HistogramData.create(histogram.getAggregationTemporality(), points);
          }
          case EXPONENTIAL_HISTOGRAM -> {
            ExponentialHistogramData histogram = metric.getExponentialHistogramData();
            List<ExponentialHistogramPointData> points =
                points(histogram.getPoints(), redactor, RedactingExporters::with);
            yield points == null
                ? data
                : ExponentialHistogramData.create(histogram.getAggregationTemporality(), points);
          }
          case SUMMARY -> {
            List<SummaryPointData> points =
                points(metric.getSummaryData().getPoints(), redactor, RedactingExporters::with);
            yield points == null ? data : SummaryData.create(points);
          }
        };
    return clean == data ? metric : new RedactedMetric(metric, clean);
  }

  /**
   * The points with their attributes redacted, each rebuilt by {@code rebuild} only if it
   * changed; null when none did.
   */
  private static <P extends PointData> @Nullable List<P> points(
      Collection<P> all, Redactor redactor, BiFunction<P, Attributes, P> rebuild) {
    List<P> points = null;
    int i = 0;
    for (P point : all) {
      Attributes attributes = attributes(point.getAttributes(), redactor);
      if (attributes != point.getAttributes() && points == null) {
        points = new ArrayList<>(all.size());
        int j = 0;
        for (P before : all) {
          if (j++ == i) {
            break;
          }
          points.add(before);
        }
      }
      if (points != null) {
        points.add(attributes == point.getAttributes() ? point : rebuild.apply(point, attributes));
      }
      i++;
    }
    return points;
  }

  private static LongPointData with(LongPointData p, Attributes attributes) {
    return LongPointData.create(p.getStartEpochNanos(), p.getEpochNanos(), attributes,
        p.getValue());
  }

  private static DoublePointData with(DoublePointData p, Attributes attributes) {
    return DoublePointData.create(p.getStartEpochNanos(), p.getEpochNanos(), attributes,
        p.getValue(), p.getExemplars());
  }

  private static HistogramPointData with(HistogramPointData p, Attributes attributes) {
    return HistogramPointData.create(p.getStartEpochNanos(), p.getEpochNanos(), attributes,
        p.getSum(), p.hasMin(), p.getMin(), p.hasMax(), p.getMax(), p.getBoundaries(),
        p.getCounts());
  }

  private static ExponentialHistogramPointData with(
      ExponentialHistogramPointData p, Attributes attributes) {
    return ExponentialHistogramPointData.create(p.getScale(), p.getSum(), p.getZeroCount(),
        p.hasMin(), p.getMin(), p.hasMax(), p.getMax(), p.getPositiveBuckets(),
        p.getNegativeBuckets(), p.getStartEpochNanos(), p.getEpochNanos(), attributes,
        p.getExemplars());
  }

  private static SummaryPointData with(SummaryPointData p, Attributes attributes) {
    return SummaryPointData.create(p.getStartEpochNanos(), p.getEpochNanos(), attributes,
        p.getCount(), p.getSum(), p.getValues());
  }

  /** The span with its text redacted, or the same span when there was nothing to hide. */
  static SpanData span(SpanData span, Redactor redactor) {
    String name = text(span.getName(), redactor);
    Attributes attributes = attributes(span.getAttributes(), redactor);
    List<EventData> events = events(span.getEvents(), redactor);
    List<LinkData> links = links(span.getLinks(), redactor);
    StatusData status = span.getStatus();
    String description = text(status.getDescription(), redactor);
    if (description != status.getDescription()) {
      status = StatusData.create(status.getStatusCode(), description);
    }
    if (name == span.getName()
        && attributes == span.getAttributes()
        && events == span.getEvents()
        && links == span.getLinks()
        && status == span.getStatus()) {
      return span;
    }
    return new RedactedSpan(span, name, attributes, events, links, status);
  }

  static LogRecordData log(LogRecordData log, Redactor redactor) {
    Attributes attributes = attributes(log.getAttributes(), redactor);
    Value<?> body = log.getBodyValue();
    Value<?> cleanBody = body;
    if (body != null && body.getType() == ValueType.STRING) {
      String text = (String) body.getValue();
      String clean = text(text, redactor);
      if (clean != text) {
        cleanBody = Value.of(clean);
      }
    }
    if (attributes == log.getAttributes() && cleanBody == body) {
      return log;
    }
    return new RedactedLogRecord(log, attributes, cleanBody);
  }

  private static String text(String text, Redactor redactor) {
    return redactor.isReplacement(text) ? text : redactor.redact(text);
  }

  private static String field(String name, String value, Redactor redactor) {
    return redactor.isReplacement(value) ? value : redactor.redactField(name, value);
  }

  /** The attributes with every string value redacted; the same instance when nothing changed. */
  @SuppressWarnings("unchecked")
  static Attributes attributes(Attributes attributes, Redactor redactor) {
    if (attributes.isEmpty()) {
      return attributes;
    }
    AttributesBuilder changed = null;
    for (Map.Entry<AttributeKey<?>, Object> entry : attributes.asMap().entrySet()) {
      AttributeKey<?> key = entry.getKey();
      Object value = entry.getValue();
      Object clean = value(key, value, redactor);
      if (clean != value && changed == null) {
        changed = attributes.toBuilder();
      }
      if (changed != null && clean != value) {
        if (clean instanceof String s && key.getType() != AttributeType.STRING) {
          // A number or flag under a denylisted name: its value is hidden, so it is a string now.
          changed.remove(key);
          changed.put(AttributeKey.stringKey(key.getKey()), s);
        } else {
          changed.put((AttributeKey<Object>) key, clean);
        }
      }
    }
    return changed == null ? attributes : changed.build();
  }

  private static Object value(AttributeKey<?> key, Object value, Redactor redactor) {
    String name = key.getKey();
    switch (key.getType()) {
      case STRING -> {
        return field(name, (String) value, redactor);
      }
      case STRING_ARRAY -> {
        List<?> list = (List<?>) value;
        List<String> out = null;
        for (int i = 0; i < list.size(); i++) {
          String element = (String) list.get(i);
          String clean = field(name, element, redactor);
          if (clean != element && out == null) {
            out = new ArrayList<>(list.size());
            for (int j = 0; j < i; j++) {
              out.add((String) list.get(j));
            }
          }
          if (out != null) {
            out.add(clean);
          }
        }
        return out == null ? value : out;
      }
      default -> {
        return redactor.isDenied(name) ? redactor.replace(String.valueOf(value)) : value;
      }
    }
  }

  private static List<EventData> events(List<EventData> events, Redactor redactor) {
    List<EventData> out = null;
    for (int i = 0; i < events.size(); i++) {
      EventData event = events.get(i);
      Attributes attributes = attributes(event.getAttributes(), redactor);
      EventData clean = attributes == event.getAttributes()
          ? event
          : EventData.create(event.getEpochNanos(), event.getName(), attributes,
              event.getTotalAttributeCount());
      if (clean != event && out == null) {
        out = new ArrayList<>(events.subList(0, i));
      }
      if (out != null) {
        out.add(clean);
      }
    }
    return out == null ? events : out;
  }

  private static List<LinkData> links(List<LinkData> links, Redactor redactor) {
    List<LinkData> out = null;
    for (int i = 0; i < links.size(); i++) {
      LinkData link = links.get(i);
      Attributes attributes = attributes(link.getAttributes(), redactor);
      LinkData clean = attributes == link.getAttributes()
          ? link
          : LinkData.create(link.getSpanContext(), attributes, link.getTotalAttributeCount());
      if (clean != link && out == null) {
        out = new ArrayList<>(links.subList(0, i));
      }
      if (out != null) {
        out.add(clean);
      }
    }
    return out == null ? links : out;
  }

  private static final class RedactedSpan extends DelegatingSpanData {
    private final String name;
    private final Attributes attributes;
    private final List<EventData> events;
    private final List<LinkData> links;
    private final StatusData status;

    RedactedSpan(SpanData delegate, String name, Attributes attributes, List<EventData> events,
        List<LinkData> links, StatusData status) {
      super(delegate);
      this.name = name;
      this.attributes = attributes;
      this.events = events;
      this.links = links;
      this.status = status;
    }

    @Override
    public String getName() {
      return name;
    }

    @Override
    public Attributes getAttributes() {
      return attributes;
    }

    @Override
    public List<EventData> getEvents() {
      return events;
    }

    @Override
    public List<LinkData> getLinks() {
      return links;
    }

    @Override
    public StatusData getStatus() {
      return status;
    }
  }

  private static final class RedactedLogRecord implements LogRecordData {
    private final LogRecordData delegate;
    private final Attributes attributes;
    private final @Nullable Value<?> body;

    RedactedLogRecord(LogRecordData delegate, Attributes attributes, @Nullable Value<?> body) {
      this.delegate = delegate;
      this.attributes = attributes;
      this.body = body;
    }

    @Override
    public Resource getResource() {
      return delegate.getResource();
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
      return delegate.getInstrumentationScopeInfo();
    }

    @Override
    public long getTimestampEpochNanos() {
      return delegate.getTimestampEpochNanos();
    }

    @Override
    public long getObservedTimestampEpochNanos() {
      return delegate.getObservedTimestampEpochNanos();
    }

    @Override
    public SpanContext getSpanContext() {
      return delegate.getSpanContext();
    }

    @Override
    public Severity getSeverity() {
      return delegate.getSeverity();
    }

    @Override
    public @Nullable String getSeverityText() {
      return delegate.getSeverityText();
    }

    @Override
    @Deprecated
    public Body getBody() {
      Value<?> value = body;
      if (value == null) {
        return Body.empty();
      }
      return value.getType() == ValueType.STRING
          ? Body.string((String) value.getValue())
          : delegate.getBody();
    }

    @Override
    public @Nullable Value<?> getBodyValue() {
      return body;
    }

    @Override
    public Attributes getAttributes() {
      return attributes;
    }

    @Override
    public int getTotalAttributeCount() {
      return delegate.getTotalAttributeCount();
    }

    @Override
    public @Nullable String getEventName() {
      return delegate.getEventName();
    }
  }

  private static final class RedactedMetric implements MetricData {
    private final MetricData delegate;
    private final Data<?> data;

    RedactedMetric(MetricData delegate, Data<?> data) {
      this.delegate = delegate;
      this.data = data;
    }

    @Override
    public Resource getResource() {
      return delegate.getResource();
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
      return delegate.getInstrumentationScopeInfo();
    }

    @Override
    public String getName() {
      return delegate.getName();
    }

    @Override
    public String getDescription() {
      return delegate.getDescription();
    }

    @Override
    public String getUnit() {
      return delegate.getUnit();
    }

    @Override
    public MetricDataType getType() {
      return delegate.getType();
    }

    @Override
    public Data<?> getData() {
      return data;
    }

    @Override
    public String toString() {
      return "RedactedMetric{" + getName() + ", " + data + "}";
    }
  }
}
