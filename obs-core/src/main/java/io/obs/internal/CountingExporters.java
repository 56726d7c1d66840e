// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.metrics.Aggregation;
import java.util.Collection;

/**
 * Internal: not for use outside obs. Exporter decorators that count what each export delivered or
 * lost in {@link SelfTelemetry}, so that a dead backend shows on {@code /metrics}.
 */
final class CountingExporters {

  private CountingExporters() {}

  static SpanExporter spans(SpanExporter delegate, String name, String detail,
      SelfTelemetry telemetry) {
    return new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        CompletableResultCode result = delegate.export(spans);
        int count = spans.size();
        result.whenComplete(() -> telemetry.exported("spans", name, count, result.isSuccess(),
            detail));
        return result;
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
        return "Counting{" + delegate + "}";
      }
    };
  }

  static LogRecordExporter logs(LogRecordExporter delegate, String name, String detail,
      SelfTelemetry telemetry) {
    return new LogRecordExporter() {
      @Override
      public CompletableResultCode export(Collection<LogRecordData> logs) {
        CompletableResultCode result = delegate.export(logs);
        int count = logs.size();
        result.whenComplete(() -> telemetry.exported("logs", name, count, result.isSuccess(),
            detail));
        return result;
      }

      @Override
      public CompletableResultCode flush() {
        return delegate.flush();
      }

      @Override
      public CompletableResultCode shutdown() {
        return delegate.shutdown();
      }
    };
  }

  static MetricExporter metrics(MetricExporter delegate, String name, String detail,
      SelfTelemetry telemetry) {
    return new MetricExporter() {
      @Override
      public CompletableResultCode export(Collection<MetricData> metrics) {
        CompletableResultCode result = delegate.export(metrics);
        int count = metrics.size();
        result.whenComplete(() -> telemetry.exported("metrics", name, count, result.isSuccess(),
            detail));
        return result;
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
    };
  }
}
