// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import io.opentelemetry.common.ComponentLoader;
import java.util.ArrayList;
import java.util.List;

/**
 * Internal: not for use outside obs. What the OTLP exporters find when they look for an HTTP
 * sender: the JDK's {@code HttpClient} (opentelemetry-exporter-sender-jdk) when it is on the class
 * path, not OkHttp. OkHttp stays for gRPC and Zipkin, which need it, but loading it with Kotlin and
 * Okio for http/protobuf cost a Spring Boot application about 250 classes at start-up; and with
 * both senders present, OpenTelemetry would otherwise warn and take whichever it found first.
 * Every other lookup is the class loader's, unchanged.
 */
final class ExporterSenders implements ComponentLoader {

  static final ComponentLoader INSTANCE =
      new ExporterSenders(ComponentLoader.forClassLoader(ExporterSenders.class.getClassLoader()));

  private static final String HTTP_SENDER_PROVIDER =
      "io.opentelemetry.sdk.common.export.HttpSenderProvider";
  private static final String JDK_HTTP_SENDER_PROVIDER =
      "io.opentelemetry.exporter.sender.jdk.internal.JdkHttpSenderProvider";

  private final ComponentLoader classPath;

  private ExporterSenders(ComponentLoader classPath) {
    this.classPath = classPath;
  }

  @Override
  public <T> Iterable<T> load(Class<T> spiClass) {
    Iterable<T> found = classPath.load(spiClass);
    if (!spiClass.getName().equals(HTTP_SENDER_PROVIDER)) {
      return found;
    }
    List<T> jdk = new ArrayList<>(1);
    for (T provider : found) {
      if (provider.getClass().getName().equals(JDK_HTTP_SENDER_PROVIDER)) {
        jdk.add(provider);
      }
    }
    return jdk.isEmpty() ? found : jdk;
  }
}
