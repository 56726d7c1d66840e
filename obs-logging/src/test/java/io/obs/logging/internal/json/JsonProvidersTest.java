// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal.json;

import static io.obs.logging.internal.json.ProviderHarness.write;
import static io.obs.logging.testing.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.obs.RequestContext;
import io.obs.internal.redact.Detectors;
import io.obs.internal.redact.Redactor;
import io.obs.logging.internal.FieldNames;
import io.obs.logging.internal.LogSettings;
import io.obs.logging.internal.PreparedEvent;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import net.logstash.logback.argument.StructuredArguments;
import net.logstash.logback.marker.Markers;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/** One test per provider, each asserting the exact JSON the provider writes. */
class JsonProvidersTest {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN_ID = "00f067aa0ba902b7";

  private final LogSettings settings =
      LogSettings.builder()
          .setService("checkout", "1.4.2", "prod")
          .setBaggageKeys(List.of("tenant.id", "session.token"))
          .setRedactor(
              Redactor.builder()
                  .addDetectors(Detectors.builtIn(Detectors.NAMES))
                  .addDenied(Redactor.DEFAULT_DENYLIST)
                  .build())
          .setStackTraceDepth(2)
          .build();
  private final FieldNames names = settings.fieldNames();

  private PreparedEvent prepare(LoggingEvent event, Context context) {
    return PreparedEvent.prepare(event, context, settings);
  }

  private PreparedEvent prepare(LoggingEvent event) {
    return prepare(event, Context.root());
  }

  private static Context inSpan() {
    SpanContext span =
        SpanContext.create(TRACE_ID, SPAN_ID, TraceFlags.getSampled(), TraceState.getDefault());
    return Context.root().with(Span.wrap(span));
  }

  @Test
  void timestampIsUtcIsoWithMilliseconds() {
    LoggingEvent event = event(Level.INFO, "m");
    event.setInstant(Instant.parse("2026-01-31T23:59:58.007654321Z"));
    assertThat(write(new TimestampJsonProvider("@timestamp"), prepare(event)))
        .isEqualTo("{\"@timestamp\":\"2026-01-31T23:59:58.007Z\"}");
  }

  @Test
  void timestampOnAWholeSecondStillHasThreeDigits() {
    LoggingEvent event = event(Level.INFO, "m");
    event.setInstant(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(write(new TimestampJsonProvider("ts"), prepare(event)))
        .isEqualTo("{\"ts\":\"2026-01-01T00:00:00.000Z\"}");
  }

  @Test
  void coreFieldsAreLevelLoggerThreadAndRedactedMessage() {
    LoggingEvent event =
        event("com.shop.Orders", Level.WARN, "paid by {} for {}", null, "alice@example.com", 3);
    event.setThreadName("worker-1");
    assertThat(write(new CoreFieldsJsonProvider(names), prepare(event)))
        .isEqualTo(
            "{\"level\":\"WARN\",\"logger\":\"com.shop.Orders\",\"thread\":\"worker-1\","
                + "\"message\":\"paid by **** for 3\"}");
  }

  @Test
  void coreFieldsFollowRenames() {
    FieldNames renamed = FieldNames.of(Map.of("message", "msg", "level", "severity"));
    LoggingEvent event = event("l", Level.INFO, "hi", null);
    event.setThreadName("t");
    assertThat(write(new CoreFieldsJsonProvider(renamed), prepare(event)))
        .isEqualTo("{\"severity\":\"INFO\",\"logger\":\"l\",\"thread\":\"t\",\"msg\":\"hi\"}");
  }

  @Test
  void resourceFieldsNameTheService() {
    assertThat(write(new ResourceJsonProvider(names, settings), prepare(event(Level.INFO, "m"))))
        .isEqualTo(
            "{\"service.name\":\"checkout\",\"service.version\":\"1.4.2\","
                + "\"deployment.environment\":\"prod\"}");
  }

  @Test
  void resourceFieldsLeaveOutWhatIsUnknown() {
    LogSettings bare = LogSettings.builder().setService("svc", null, null).build();
    assertThat(write(new ResourceJsonProvider(names, bare), prepare(event(Level.INFO, "m"))))
        .isEqualTo("{\"service.name\":\"svc\"}");
  }

  @Test
  void traceContextIsTheSpanOfTheLoggingCall() {
    PreparedEvent event = prepare(event(Level.INFO, "m"), inSpan());
    assertThat(write(new TraceContextJsonProvider(names), event))
        .isEqualTo(
            "{\"trace_id\":\"" + TRACE_ID + "\",\"span_id\":\"" + SPAN_ID
                + "\",\"trace_flags\":\"01\"}");
  }

  @Test
  void traceContextIsAbsentOutsideASpan() {
    assertThat(write(new TraceContextJsonProvider(names), prepare(event(Level.INFO, "m"))))
        .isEqualTo("{}");
  }

  @Test
  void traceContextFallsBackToTheMdcCapturedOnTheApplicationThread() {
    LoggingEvent event = event(Level.INFO, "m");
    event.setMDCPropertyMap(Map.of("trace_id", TRACE_ID, "span_id", SPAN_ID, "trace_flags", "00"));
    assertThat(write(new TraceContextJsonProvider(names), prepare(event)))
        .isEqualTo(
            "{\"trace_id\":\"" + TRACE_ID + "\",\"span_id\":\"" + SPAN_ID
                + "\",\"trace_flags\":\"00\"}");
  }

  @Test
  void requestIdComesFromRequestContext() {
    Context context = RequestContext.withRequestId(Context.root(), "req-17");
    assertThat(write(new RequestIdJsonProvider(names), prepare(event(Level.INFO, "m"), context)))
        .isEqualTo("{\"http.request.id\":\"req-17\"}");
    assertThat(write(new RequestIdJsonProvider(names), prepare(event(Level.INFO, "m"))))
        .isEqualTo("{}");
  }

  @Test
  void baggageWritesOnlyAllowlistedEntriesRedacted() {
    Baggage baggage =
        Baggage.builder()
            .put("tenant.id", "acme")
            .put("session.token", "abc")
            .put("user.email", "bob@example.com")
            .build();
    Context context = Context.root().with(baggage);
    assertThat(write(new BaggageJsonProvider(names), prepare(event(Level.INFO, "m"), context)))
        .isEqualTo("{\"tenant.id\":\"acme\",\"session.token\":\"****\"}");
  }

  @Test
  void mdcIsWrittenRedactedWithoutTraceKeys() {
    LoggingEvent event = event(Level.INFO, "m");
    event.setMDCPropertyMap(
        Map.of(
            "user", "u@example.com",
            "password", "hunter2",
            "trace_id", TRACE_ID,
            "message", "collides"));
    assertThat(ProviderHarness.parse(write(new MdcJsonProvider(names), prepare(event))))
        .isEqualTo(ProviderHarness.parse("{\"user\":\"****\",\"password\":\"****\"}"));
  }

  @Test
  void structuredArgumentsMarkersAndKeyValuePairsBecomeRedactedFields() {
    LoggingEvent event =
        event(
            "l",
            Level.INFO,
            "order {} by {}",
            null,
            StructuredArguments.kv("order_id", 42),
            StructuredArguments.kv("customer", Map.of("email", "c@example.com", "token", "t1")));
    event.addMarker(Markers.append("api_key", "k-123"));
    event.addKeyValuePair(new KeyValuePair("paid", true));
    event.addKeyValuePair(new KeyValuePair("level", "collides"));
    assertThat(
            ProviderHarness.parse(write(new StructuredFieldsJsonProvider(names), prepare(event))))
        .isEqualTo(
            ProviderHarness.parse(
                "{\"order_id\":42,\"customer\":{\"email\":\"****\",\"token\":\"****\"},"
                    + "\"api_key\":\"****\",\"paid\":true,\"arg.level\":\"collides\"}"));
  }

  @Test
  void rawJsonMarkerIsParsedAndRedacted() {
    LoggingEvent event = event(Level.INFO, "m");
    event.addMarker(Markers.appendRaw("payload", "{\"password\":\"x\",\"n\":1}"));
    assertThat(write(new StructuredFieldsJsonProvider(names), prepare(event)))
        .isEqualTo("{\"payload\":{\"password\":\"****\",\"n\":1}}");
  }

  @Test
  void errorFieldsCarryTypeRedactedMessageAndLimitedStackTrace() {
    Exception cause = new IllegalStateException("db password=hunter2 refused");
    Exception error = new RuntimeException("failed for alice@example.com", cause);
    LoggingEvent event = event("l", Level.ERROR, "boom", error);
    String json = write(new ErrorJsonProvider(names), prepare(event));
    var node = ProviderHarness.parse(json);
    assertThat(node.get("error.type").asText()).isEqualTo("java.lang.RuntimeException");
    assertThat(node.get("error.message").asText()).isEqualTo("failed for ****");
    String stack = node.get("error.stack_trace").asText();
    assertThat(stack)
        .startsWith("java.lang.RuntimeException: failed for ****\n\tat ")
        .contains("Caused by: java.lang.IllegalStateException: db password=**** refused")
        .doesNotContain("hunter2", "alice");
    // depth 2: two frames of the top throwable, then the count of the rest
    String top = stack.substring(0, stack.indexOf("Caused by:"));
    assertThat(top.lines().filter(l -> l.startsWith("\tat ")).count()).isEqualTo(2);
    assertThat(top.lines().reduce((a, b) -> b).orElseThrow()).matches("\\t\\.\\.\\. \\d+ more");
    assertThat(node.size()).isEqualTo(3);
  }

  @Test
  void errorFieldsAreAbsentWithoutThrowable() {
    assertThat(write(new ErrorJsonProvider(names), prepare(event(Level.ERROR, "m"))))
        .isEqualTo("{}");
  }
}
