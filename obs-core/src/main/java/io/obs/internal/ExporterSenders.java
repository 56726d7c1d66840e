// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import io.opentelemetry.sdk.common.export.MessageWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. What the OTLP exporters find when they look for an HTTP
 * sender: the JDK's {@code HttpClient} (opentelemetry-exporter-sender-jdk) when it is on the class
 * path, not OkHttp. OkHttp stays for gRPC and Zipkin, which need it, but loading it with Kotlin and
 * Okio for http/protobuf cost a Spring Boot application about 250 classes at start-up; and with
 * both senders present, OpenTelemetry would otherwise warn and take whichever it found first.
 * Either way the sender builds its client on the first export. Every other lookup is the class
 * loader's, unchanged.
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
    List<T> all = new ArrayList<>(2);
    for (T provider : found) {
      T lazy = spiClass.cast(new LazyProvider((HttpSenderProvider) provider));
      all.add(lazy);
      if (provider.getClass().getName().equals(JDK_HTTP_SENDER_PROVIDER)) {
        jdk.add(lazy);
      }
    }
    return jdk.isEmpty() ? all : jdk;
  }

  /**
   * Makes each sender's HTTP client on its first export, on the batch processor's thread, rather
   * than when the exporter is built inside {@code init()}: the JDK's {@code HttpClient} sets up
   * the default TLS context even for an {@code http://} endpoint, a sixth of what a Spring Boot
   * application's main thread spent in {@code init()}.
   */
  record LazyProvider(HttpSenderProvider provider) implements HttpSenderProvider {
    @Override
    public HttpSender createSender(HttpSenderConfig config) {
      return new LazySender(provider, config);
    }
  }

  private static final class LazySender implements HttpSender {
    private final HttpSenderProvider provider;
    private final HttpSenderConfig config;
    private @Nullable HttpSender sender;
    private boolean shutDown;

    LazySender(HttpSenderProvider provider, HttpSenderConfig config) {
      this.provider = provider;
      this.config = config;
    }

    @Override
    public void send(MessageWriter message, Consumer<HttpResponse> onResponse,
        Consumer<Throwable> onError) {
      HttpSender sender;
      try {
        sender = sender();
      } catch (RuntimeException | LinkageError e) {
        onError.accept(e);
        return;
      }
      if (sender == null) {
        onError.accept(new IllegalStateException("the exporter has been shut down"));
        return;
      }
      sender.send(message, onResponse, onError);
    }

    private synchronized @Nullable HttpSender sender() {
      if (sender == null && !shutDown) {
        sender = provider.createSender(config);
      }
      return sender;
    }

    @Override
    public CompletableResultCode shutdown() {
      HttpSender started;
      synchronized (this) {
        shutDown = true;
        started = sender;
      }
      // A sender that never sent has no client, threads or connections to close.
      return started == null ? CompletableResultCode.ofSuccess() : started.shutdown();
    }
  }
}
