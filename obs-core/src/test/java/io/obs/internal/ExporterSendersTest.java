// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.GrpcSenderProvider;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import io.opentelemetry.sdk.common.export.MessageWriter;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class ExporterSendersTest {

  @Test
  void httpProtobufGoesThroughTheJdkClientAndGrpcKeepsOkHttp() {
    List<String> http = new ArrayList<>();
    ExporterSenders.INSTANCE.load(HttpSenderProvider.class)
        .forEach(p -> http.add(((ExporterSenders.LazyProvider) p).provider().getClass()
            .getSimpleName()));
    List<String> grpc = new ArrayList<>();
    ExporterSenders.INSTANCE.load(GrpcSenderProvider.class)
        .forEach(p -> grpc.add(p.getClass().getSimpleName()));

    // Both senders are on obs-core's class path; OpenTelemetry alone would warn and pick one.
    assertThat(http).containsExactly("JdkHttpSenderProvider");
    assertThat(grpc).containsExactly("OkHttpGrpcSenderProvider");
  }

  @Test
  void theClientIsMadeOnTheFirstExportAndNotAtAllWithout() {
    AtomicInteger made = new AtomicInteger();
    List<String> sent = new ArrayList<>();
    HttpSenderProvider counting = config -> {
      made.incrementAndGet();
      return new HttpSender() {
        @Override
        public void send(MessageWriter message, Consumer<HttpResponse> onResponse,
            Consumer<Throwable> onError) {
          sent.add(config.getContentType());
        }

        @Override
        public CompletableResultCode shutdown() {
          return CompletableResultCode.ofFailure();
        }
      };
    };
    HttpSenderConfig config = stub(HttpSenderConfig.class, "application/x-protobuf");
    HttpSenderProvider lazy = new ExporterSenders.LazyProvider(counting);

    HttpSender unused = lazy.createSender(config);
    HttpSender used = lazy.createSender(config);
    assertThat(made).hasValue(0);
    used.send(stub(MessageWriter.class, null), response -> { }, error -> { });
    used.send(stub(MessageWriter.class, null), response -> { }, error -> { });

    assertThat(made).hasValue(1);
    assertThat(sent).containsExactly("application/x-protobuf", "application/x-protobuf");
    assertThat(unused.shutdown().isSuccess()).isTrue();
    // The one that was made is shut down through its own sender.
    assertThat(used.shutdown().isSuccess()).isFalse();
    List<Throwable> afterShutdown = new ArrayList<>();
    unused.send(stub(MessageWriter.class, null), response -> { }, afterShutdown::add);
    assertThat(made).hasValue(1);
    assertThat(afterShutdown).singleElement().isInstanceOf(IllegalStateException.class);
  }

  /** An implementation whose every method returns {@code value}, or nothing. */
  private static <T> T stub(Class<T> type, @Nullable Object value) {
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
        (proxy, method, args) -> method.getReturnType() == String.class ? value : null));
  }
}
