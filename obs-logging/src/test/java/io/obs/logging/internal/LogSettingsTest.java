// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.spi.LoggingEvent;
import io.obs.internal.redact.Detectors;
import io.obs.internal.redact.Redactor;
import io.opentelemetry.context.Context;
import java.util.Collections;
import java.util.HashMap;
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
                io.obs.internal.redact.Redactor.builder()
                    .addDenied(Redactor.DEFAULT_DENYLIST)
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

  private static LogSettings redacting() {
    return LogSettings.builder()
        .setRedactor(
            Redactor.builder()
                .addDetectors(Detectors.builtIn(Detectors.NAMES))
                .addDenied(Redactor.DEFAULT_DENYLIST)
                .build())
        .build();
  }

  /** An MDC map as Logback's adapter hands it to an event: unmodifiable, a HashMap inside. */
  private static Map<String, String> logbackMdc(String... keysAndValues) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return Collections.unmodifiableMap(map);
  }

  @Test
  void immutableMdcThatNeedsNoRedactionIsWrittenWithoutACopy() {
    LogSettings settings = redacting();
    Map<String, String> mdc =
        logbackMdc("tenant", "acme", "trace_id", "4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(settings.mdcFields(mdc)).isSameAs(mdc);
    // Seen again: copied once without the trace keys, and that copy is reused.
    Map<String, String> again = settings.mdcFields(mdc);
    assertThat(again).isNotSameAs(mdc).containsExactly(Map.entry("tenant", "acme"));
    assertThat(settings.mdcFields(mdc)).isSameAs(again);
    // The event's own view still leaves obs's trace keys out.
    assertThat(settings.cleanMdc(logbackMdc("tenant", "acme", "span_id", "00f067aa0ba902b7")))
        .containsExactly(Map.entry("tenant", "acme"));
  }

  @Test
  void mdcWithASecretIsCopiedRedactedAndWithoutTraceKeys() {
    LogSettings settings = redacting();
    Map<String, String> mdc =
        logbackMdc(
            "tenant", "acme", "note", "mail bob@example.com", "db_password", "hunter2",
            "trace_id", "4bf92f3577b34da6a3ce929d0e0e4736");
    Map<String, String> fields = settings.mdcFields(mdc);
    assertThat(fields).isNotSameAs(mdc);
    assertThat(fields)
        .containsOnly(
            Map.entry("tenant", "acme"),
            Map.entry("note", "mail ****"),
            Map.entry("db_password", "****"));
  }

  @Test
  void aMutableMdcMapIsAlwaysCopied() {
    LogSettings settings = redacting();
    Map<String, String> mutable = new HashMap<>(Map.of("tenant", "acme"));
    Map<String, String> fields = settings.mdcFields(mutable);
    assertThat(fields).isNotSameAs(mutable).containsExactly(Map.entry("tenant", "acme"));
    mutable.put("tenant", "card 4111 1111 1111 1111");
    assertThat(fields).containsExactly(Map.entry("tenant", "acme"));
  }

  @Test
  void rememberedValuesNeverLetANewSecretThrough() {
    LogSettings settings = redacting();
    // The same key over many maps: a clean value is remembered, then a secret arrives under it,
    // then the clean value again, then a denied key with the value that was clean elsewhere.
    assertThat(settings.mdcFields(logbackMdc("note", "ok"))).containsEntry("note", "ok");
    assertThat(settings.mdcFields(logbackMdc("note", "token=abc123")))
        .containsEntry("note", "token=****");
    assertThat(settings.mdcFields(logbackMdc("note", "ok"))).containsEntry("note", "ok");
    assertThat(settings.mdcFields(logbackMdc("api_token", "ok")))
        .containsEntry("api_token", "****");
    for (int i = 0; i < 3; i++) {
      String card = "4111 1111 1111 " + "1111";
      assertThat(settings.mdcFields(logbackMdc("note", card))).containsEntry("note", "****");
    }
  }

  @Test
  void preparedEventWritesUnchangedMdcButReportsItWithoutTraceKeys() {
    LogSettings settings = redacting();
    Map<String, String> mdc =
        logbackMdc("tenant", "acme", "trace_id", "4bf92f3577b34da6a3ce929d0e0e4736",
            "span_id", "00f067aa0ba902b7", "trace_flags", "01");
    LoggingEvent event = new LoggingEvent();
    event.setLevel(ch.qos.logback.classic.Level.INFO);
    event.setLoggerName("x");
    event.setMessage("hello");
    event.setMDCPropertyMap(mdc);
    PreparedEvent prepared = PreparedEvent.prepare(event, Context.root(), settings);
    assertThat(prepared.mdcFields()).isSameAs(mdc);
    assertThat(prepared.getMDCPropertyMap()).containsExactly(Map.entry("tenant", "acme"));
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
