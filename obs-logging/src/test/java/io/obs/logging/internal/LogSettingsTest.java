// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LogSettingsTest {

  @Test
  void defaultsTakeServiceAndFormatFromTheEnvironmentBeforeInit() {
    Map<String, String> env =
        Map.of("OTEL_SERVICE_NAME", "from-otel", "OBS_LOGS_FORMAT", "text");
    Map<String, String> props = Map.of("obs.service.environment", "dev");
    LogSettings settings = LogSettings.defaults(env::get, props::get);
    assertThat(settings.serviceName()).isEqualTo("from-otel");
    assertThat(settings.environment()).isEqualTo("dev");
    assertThat(settings.json()).isFalse();
    assertThat(settings.limits().redactor().isEnabled()).isTrue();
  }

  @Test
  void obsServiceNameWinsOverOtelServiceName() {
    Map<String, String> env = Map.of("OTEL_SERVICE_NAME", "otel", "OBS_SERVICE_NAME", "obs");
    assertThat(LogSettings.defaults(env::get, k -> null).serviceName()).isEqualTo("obs");
  }

  @Test
  void fieldRenamesAreValidated() {
    assertThat(FieldNames.validate(Map.of("trace_id", "span_id")))
        .containsExactly("two fields would be named 'span_id'");
    assertThat(FieldNames.validate(Map.of("message", " ")))
        .containsExactly("the new name of 'message' is empty");
    assertThatThrownBy(() -> FieldNames.of(Map.of("nope", "x")))
        .hasMessageContaining("'nope' is not an obs log field");
  }

  @Test
  void cleanedMdcIsReusedOnlyForTheSameMapInstance() {
    LogSettings settings =
        LogSettings.builder()
            .setRedactor(
                io.obs.logging.internal.redact.Redactor.builder()
                    .addDenied(LoggingKeys.DEFAULT_DENYLIST)
                    .build())
            .build();
    Map<String, String> first = Map.of("user", "u1", "password", "x", "trace_id", "t");
    Map<String, String> cleaned = settings.cleanMdc(first);
    assertThat(cleaned).containsExactlyInAnyOrderEntriesOf(Map.of("user", "u1", "password", "****"));
    assertThat(settings.cleanMdc(first)).isSameAs(cleaned);
    Map<String, String> second = Map.of("user", "u2");
    assertThat(settings.cleanMdc(second)).isEqualTo(Map.of("user", "u2"));
    assertThat(settings.cleanMdc(null)).isEmpty();
  }

  @Test
  void builderCopiesKeepEverything() {
    LogSettings original =
        LogSettings.builder().setService("a", "1", "prod").setQueueSize(128).build();
    LogSettings copy = original.toBuilder().setJson(false).build();
    assertThat(copy.serviceName()).isEqualTo("a");
    assertThat(copy.queueSize()).isEqualTo(128);
    assertThat(copy.json()).isFalse();
    assertThat(original.json()).isTrue();
  }
}
