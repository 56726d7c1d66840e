// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.common.export.GrpcSenderProvider;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExporterSendersTest {

  @Test
  void httpProtobufGoesThroughTheJdkClientAndGrpcKeepsOkHttp() {
    List<String> http = new ArrayList<>();
    ExporterSenders.INSTANCE.load(HttpSenderProvider.class)
        .forEach(p -> http.add(p.getClass().getSimpleName()));
    List<String> grpc = new ArrayList<>();
    ExporterSenders.INSTANCE.load(GrpcSenderProvider.class)
        .forEach(p -> grpc.add(p.getClass().getSimpleName()));

    // Both senders are on obs-core's class path; OpenTelemetry alone would warn and pick one.
    assertThat(http).containsExactly("JdkHttpSenderProvider");
    assertThat(grpc).containsExactly("OkHttpGrpcSenderProvider");
  }
}
