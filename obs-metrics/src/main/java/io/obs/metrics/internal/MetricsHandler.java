// SPDX-License-Identifier: Apache-2.0
package io.obs.metrics.internal;

import io.obs.server.EndpointHandler;
import io.obs.server.EndpointRequest;
import io.obs.server.EndpointResponse;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs.
 *
 * <p>Serves one scrape of a {@link PrometheusRegistry}: the format follows {@code Accept}
 * (OpenMetrics with exemplars for Prometheus, the classic text format otherwise, protobuf when
 * asked), gzip follows {@code Accept-Encoding}. The whole body is rendered before the endpoint
 * server sends anything, so a failing collector gives a clean 500 rather than a truncated 200;
 * for {@code HEAD} the server drops the body and keeps the headers.
 */
public final class MetricsHandler implements EndpointHandler {

  private final PrometheusRegistry registry;
  private final ExpositionFormats formats;

  public MetricsHandler(PrometheusRegistry registry) {
    this.registry = registry;
    this.formats = ExpositionFormats.init();
  }

  @Override
  public EndpointResponse handle(EndpointRequest request) throws IOException {
    ExpositionFormatWriter writer = formats.findWriter(request.header("Accept"));
    boolean gzip = acceptsGzip(request.headers("Accept-Encoding"));
    MetricSnapshots snapshots = registry.scrape();
    ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
    if (gzip) {
      try (OutputStream zip = new GZIPOutputStream(body)) {
        writer.write(zip, snapshots);
      }
    } else {
      writer.write(body, snapshots);
    }
    EndpointResponse.Builder response = EndpointResponse.builder(200)
        .setHeader("Content-Type", writer.getContentType())
        .setHeader("Vary", "Accept, Accept-Encoding")
        .setBody(body.toByteArray());
    if (gzip) {
      response.setHeader("Content-Encoding", "gzip");
    }
    return response.build();
  }

  /** Whether an {@code Accept-Encoding} header allows gzip (and does not refuse it with q=0). */
  static boolean acceptsGzip(@Nullable List<String> headers) {
    if (headers == null) {
      return false;
    }
    for (String header : headers) {
      for (String part : header.split(",")) {
        String[] pieces = part.trim().toLowerCase(Locale.ROOT).split(";");
        String coding = pieces[0].trim();
        if (!coding.equals("gzip") && !coding.equals("x-gzip")) {
          continue;
        }
        for (int i = 1; i < pieces.length; i++) {
          String param = pieces[i].trim();
          if (param.startsWith("q=")) {
            try {
              return Double.parseDouble(param.substring(2).trim()) > 0;
            } catch (NumberFormatException e) {
              return false;
            }
          }
        }
        return true;
      }
    }
    return false;
  }
}
