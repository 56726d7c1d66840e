// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.obs.Observability;
import io.obs.ebpf.internal.ContextPublisher;
import io.obs.ebpf.internal.KernelTelemetry;
import io.obs.ebpf.internal.KernelTestSupport;
import io.obs.ebpf.internal.ThreadContextTable;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The application span's context reaches the kernel and comes back as child spans and logs: on
 * the running kernel, through the whole module. Skipped with the reason where BPF is not allowed.
 * Runs in its own JVM (failsafe reuseForks=false) so the context-storage wrapper applies.
 */
@Timeout(120)
class TraceCorrelationIT {
  private static final AttributeKey<String> FILE_PATH = AttributeKey.stringKey("file.path");
  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  private static final AttributeKey<Long> PEER_PORT = AttributeKey.longKey("network.peer.port");

  private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
  private static final InMemoryMetricReader METRICS = InMemoryMetricReader.create();
  private static final Queue LOGS = new Queue();
  private static Observability obs;
  private static Tracer tracer;

  /** Records each kernel log record with the span current while it was logged. */
  static final class Queue extends AppenderBase<ILoggingEvent> {
    final ConcurrentLinkedQueue<Map.Entry<String, SpanContext>> records =
        new ConcurrentLinkedQueue<>();

    @Override
    protected void append(ILoggingEvent e) {
      records.add(Map.entry(e.getFormattedMessage(), Span.current().getSpanContext()));
    }
  }

  @BeforeAll
  static void start() {
    KernelTestSupport.assumeKernelAccess();
    Logger kernel = (Logger) LoggerFactory.getLogger(KernelTelemetry.LOGGER);
    LOGS.setContext(kernel.getLoggerContext());
    LOGS.start();
    kernel.addAppender(LOGS);
    obs =
        KernelTestSupport.bridgeOnly(
                "service:\n  name: ebpf-trace-it\nebpf:\n  enabled: true\n  poll_interval: 20ms\n"
                    + "  programs:\n    sched: true\n    syscalls: true\n")
            .addSpanExporter(SPANS)
            .addMetricReader(METRICS)
            .build();
    tracer = obs.tracer("trace-correlation-it");
    assertThat(ContextPublisher.isWrapped()).as("context storage wrapped").isTrue();
    assertThat(ContextPublisher.isEnabled()).as("context table mapped").isTrue();
  }

  @AfterAll
  static void stop() {
    if (obs != null) {
      Observability.shutdown();
    }
  }

  @Test
  void refusedConnectInsideASpanIsAChildOfExactlyThatSpan() throws Exception {
    int port = closedPort();
    Span request = tracer.spanBuilder("request").startSpan();
    try (Scope ignored = request.makeCurrent()) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        throw new AssertionError("connected to a closed port " + port);
      } catch (ConnectException expected) {
        // ECONNREFUSED
      }
    } finally {
      request.end();
    }
    String parent = request.getSpanContext().getSpanId();
    List<SpanData> children =
        awaitSpans(
            s -> s.getParentSpanId().equals(parent) && s.getName().equals("tcp.connect"), 1);
    SpanData connect = children.get(0);
    assertThat(connect.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
    assertThat(connect.getAttributes().get(ERROR_TYPE)).isEqualTo("ECONNREFUSED");
    assertThat(connect.getAttributes().get(PEER_PORT)).isEqualTo((long) port);
    SpanData app = find(s -> s.getSpanId().equals(parent)).orElseThrow();
    // Kernel timestamps converted to wall clock land inside the application span.
    assertThat(connect.getStartEpochNanos())
        .isBetween(app.getStartEpochNanos() - 2_000_000, app.getEndEpochNanos());
    assertThat(connect.getEndEpochNanos())
        .isBetween(connect.getStartEpochNanos(), app.getEndEpochNanos() + 2_000_000);
  }

  @Test
  void sixteenThreadsInTheirOwnSpansGetTheirOwnChildrenAndLogs() throws Exception {
    int threads = 16;
    String run = UUID.randomUUID().toString();
    Map<String, SpanContext> spanOfPath = new ConcurrentHashMap<>();
    CountDownLatch ready = new CountDownLatch(threads);
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      String path = "/tmp/obs-ebpf-missing-" + run + "-" + i;
      Thread t =
          new Thread(
              () -> {
                Span span = tracer.spanBuilder("work").startSpan();
                try (Scope ignored = span.makeCurrent()) {
                  spanOfPath.put(path, span.getSpanContext());
                  ready.countDown();
                  ready.await(10, TimeUnit.SECONDS); // all 16 spans current at once
                  openMissing(path);
                } catch (InterruptedException | IOException e) {
                  throw new AssertionError(e);
                } finally {
                  span.end();
                }
              });
      workers.add(t);
      t.start();
    }
    for (Thread t : workers) {
      t.join(20_000);
    }
    assertThat(spanOfPath).hasSize(threads);
    List<SpanData> children =
        awaitSpans(
            s ->
                s.getName().equals("syscall.openat")
                    && String.valueOf(s.getAttributes().get(FILE_PATH)).contains(run),
            threads);
    assertThat(children).hasSize(threads);
    for (SpanData child : children) {
      SpanContext own = spanOfPath.get(child.getAttributes().get(FILE_PATH));
      assertThat(own).as("span of %s", child.getAttributes().get(FILE_PATH)).isNotNull();
      assertThat(child.getParentSpanId()).isEqualTo(own.getSpanId());
      assertThat(child.getTraceId()).isEqualTo(own.getTraceId());
      assertThat(child.getAttributes().get(ERROR_TYPE)).isEqualTo("ENOENT");
    }
    assertThat(await(() -> logsFor(run).size() >= threads)).isTrue();
    List<Map.Entry<String, SpanContext>> logs = logsFor(run);
    assertThat(logs).hasSize(threads);
    for (Map.Entry<String, SpanContext> log : logs) {
      String path =
          spanOfPath.keySet().stream().filter(p -> log.getKey().contains(p + ")")).findFirst()
              .orElseThrow();
      assertThat(log.getValue().getSpanId()).isEqualTo(spanOfPath.get(path).getSpanId());
      assertThat(log.getValue().getTraceId()).isEqualTo(spanOfPath.get(path).getTraceId());
      assertThat(log.getKey()).contains("ENOENT");
    }
  }

  @Test
  void afterAScopeClosesEventsCarryTheParentNeverTheClosedSpan() throws Exception {
    String run = UUID.randomUUID().toString();
    Span parent = tracer.spanBuilder("parent").startSpan();
    Span child = tracer.spanBuilder("child").startSpan();
    try (Scope p = parent.makeCurrent()) {
      try (Scope c = child.makeCurrent()) {
        openMissing("/tmp/obs-ebpf-in-child-" + run);
      }
      openMissing("/tmp/obs-ebpf-after-child-" + run);
    } finally {
      child.end();
      parent.end();
    }
    // No span current at all: the record was restored to "nothing".
    openMissing("/tmp/obs-ebpf-no-span-" + run);
    Span marker = tracer.spanBuilder("marker").startSpan();
    try (Scope m = marker.makeCurrent()) {
      openMissing("/tmp/obs-ebpf-marker-" + run);
    } finally {
      marker.end();
    }
    awaitSpans(s -> String.valueOf(s.getAttributes().get(FILE_PATH)).endsWith("marker-" + run), 1);
    assertThat(pathSpan("/tmp/obs-ebpf-in-child-" + run).getParentSpanId())
        .isEqualTo(child.getSpanContext().getSpanId());
    assertThat(pathSpan("/tmp/obs-ebpf-after-child-" + run).getParentSpanId())
        .isEqualTo(parent.getSpanContext().getSpanId());
    assertThat(find(s -> ("/tmp/obs-ebpf-no-span-" + run).equals(s.getAttributes().get(FILE_PATH))))
        .isEmpty();
    assertThat(ContextPublisher.currentRecord()).isNotNull();
    assertThat(ContextPublisher.currentRecord().spanId()).as("no span current").isNull();
  }

  @Test
  void aConnectionOpenedInsideASpanReportsItsTrafficAsATcpConnectionChild() throws Exception {
    byte[] request = new byte[1000];
    byte[] reply = new byte[3000];
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread peer =
          new Thread(
              () -> {
                try (Socket s = server.accept()) {
                  s.getInputStream().readNBytes(request.length);
                  s.getOutputStream().write(reply);
                  s.getInputStream().read(); // until the client closes
                } catch (IOException e) {
                  throw new AssertionError(e);
                }
              });
      peer.start();
      Span span = tracer.spanBuilder("upload").startSpan();
      try (Scope ignored = span.makeCurrent();
          Socket s = new Socket()) {
        s.connect(server.getLocalSocketAddress(), 2000);
        s.getOutputStream().write(request);
        assertThat(s.getInputStream().readNBytes(reply.length)).hasSize(reply.length);
      } finally {
        span.end();
      }
      peer.join(10_000);
      String spanId = span.getSpanContext().getSpanId();
      SpanData connection =
          awaitSpans(
                  d -> d.getParentSpanId().equals(spanId) && d.getName().equals("tcp.connection"), 1)
              .get(0);
      // Sequence space: the SYN and the FIN count one byte each.
      assertThat(connection.getAttributes().get(AttributeKey.longKey("tcp.bytes.sent")))
          .isBetween((long) request.length, request.length + 2L);
      assertThat(connection.getAttributes().get(AttributeKey.longKey("tcp.bytes.received")))
          .isBetween((long) reply.length, reply.length + 2L);
      assertThat(connection.getAttributes().get(AttributeKey.longKey("tcp.retransmits"))).isZero();
      assertThat(connection.getAttributes().get(PEER_PORT)).isEqualTo((long) server.getLocalPort());
      assertThat(connection.getKind()).isEqualTo(SpanKind.CLIENT);
    }
  }

  @Test
  void kernelHistogramsCarryExemplarsOfTheSpansThatProducedSamples() throws Exception {
    METRICS.collectAllMetrics(); // start from a clean slate of exemplars
    String run = UUID.randomUUID().toString();
    int port = closedPort();
    Span span = tracer.spanBuilder("exemplar").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      openMissing("/tmp/obs-ebpf-exemplar-" + run);
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
      } catch (ConnectException expected) {
        // ECONNREFUSED
      }
    } finally {
      span.end();
    }
    String spanId = span.getSpanContext().getSpanId();
    // The child spans exist once the poller has seen the events behind the samples.
    awaitSpans(s -> s.getParentSpanId().equals(spanId) && s.getName().equals("syscall.openat"), 1);
    awaitSpans(s -> s.getParentSpanId().equals(spanId) && s.getName().equals("tcp.connect"), 1);

    Collection<MetricData> metrics = METRICS.collectAllMetrics();
    assertThat(exemplarSpans(metrics, "syscall.duration", "syscall", "openat"))
        .as("exemplars of syscall.duration{syscall=openat,error=ENOENT}")
        .contains(ids(span.getSpanContext()));
    assertThat(exemplarSpans(metrics, "tcp.connect.duration", "peer", "127.0.0.1:" + port))
        .as("exemplars of tcp.connect.duration{peer=127.0.0.1:%d}", port)
        .contains(ids(span.getSpanContext()));
  }

  private static String ids(SpanContext sc) {
    return sc.getTraceId() + "/" + sc.getSpanId();
  }

  private static List<String> exemplarSpans(
      Collection<MetricData> metrics, String name, String key, String value) {
    return metrics.stream()
        .filter(m -> m.getName().equals(name))
        .flatMap(m -> m.getHistogramData().getPoints().stream())
        .filter(p -> value.equals(p.getAttributes().get(AttributeKey.stringKey(key))))
        .flatMap(p -> p.getExemplars().stream())
        .map(e -> ids(e.getSpanContext()))
        .toList();
  }

  @Test
  void theRecordFollowsTheCurrentContextWhenScopesCloseTwiceOutOfOrderOrElsewhere()
      throws Exception {
    Span a = tracer.spanBuilder("a").startSpan();
    Span b = tracer.spanBuilder("b").startSpan();
    try {
      Scope sa = a.makeCurrent();
      Scope sb = b.makeCurrent();
      assertThat(ContextPublisher.currentRecord().spanId()).isEqualTo(b.getSpanContext().getSpanId());
      sa.close(); // out of order: OpenTelemetry leaves b current, and so does the record
      assertThat(Span.current().getSpanContext()).isEqualTo(b.getSpanContext());
      assertThat(ContextPublisher.currentRecord().spanId()).isEqualTo(b.getSpanContext().getSpanId());
      Thread other = new Thread(sb::close); // closed on another thread: ignored here
      other.start();
      other.join(10_000);
      assertThat(ContextPublisher.currentRecord().spanId()).isEqualTo(b.getSpanContext().getSpanId());
      sb.close();
      assertThat(Span.current().getSpanContext()).isEqualTo(a.getSpanContext());
      assertThat(ContextPublisher.currentRecord().spanId()).isEqualTo(a.getSpanContext().getSpanId());
      sb.close(); // twice
      assertThat(ContextPublisher.currentRecord().spanId()).isEqualTo(a.getSpanContext().getSpanId());
      try (Scope again = a.makeCurrent()) { // already current: nothing changes
        assertThat(ContextPublisher.currentRecord().spanId()).isEqualTo(a.getSpanContext().getSpanId());
      }
      assertThat(ContextPublisher.currentRecord().spanId()).isEqualTo(a.getSpanContext().getSpanId());
      sa.close();
      assertThat(Span.current().getSpanContext().isValid()).isFalse();
      assertThat(ContextPublisher.currentRecord().spanId()).as("nothing current").isNull();
    } finally {
      b.end();
      a.end();
    }
  }

  @Test
  void unsampledSpansPublishNothingAndProduceNoKernelSpans() throws Exception {
    String run = UUID.randomUUID().toString();
    SpanContext unsampled =
        SpanContext.create(
            "0af7651916cd43dd8448eb211c80319c",
            "b7ad6b7169203331",
            TraceFlags.getDefault(),
            TraceState.getDefault());
    Span sampled = tracer.spanBuilder("sampled").startSpan();
    try (Scope s = sampled.makeCurrent()) {
      try (Scope u = Span.wrap(unsampled).makeCurrent()) {
        assertThat(ContextPublisher.currentRecord().spanId()).as("under an unsampled span").isNull();
        openMissing("/tmp/obs-ebpf-unsampled-" + run);
      }
      ThreadContextTable.Record record = ContextPublisher.currentRecord();
      assertThat(record.spanId()).as("sampled parent restored").isEqualTo(sampled.getSpanContext().getSpanId());
      assertThat(record.traceId()).isEqualTo(sampled.getSpanContext().getTraceId());
      openMissing("/tmp/obs-ebpf-marker-" + run);
    } finally {
      sampled.end();
    }
    awaitSpans(s -> String.valueOf(s.getAttributes().get(FILE_PATH)).endsWith("marker-" + run), 1);
    assertThat(find(s -> String.valueOf(s.getAttributes().get(FILE_PATH)).contains("unsampled-" + run)))
        .isEmpty();
    assertThat(find(s -> s.getTraceId().equals(unsampled.getTraceId()))).isEmpty();
  }

  @Test
  void aSleepingSpanCarriesItsOffCpuTimeAndABusyOneAlmostNone() throws Exception {
    Span sleeping = tracer.spanBuilder("sleeping").startSpan();
    try (Scope s = sleeping.makeCurrent()) {
      Thread.sleep(50);
    } finally {
      sleeping.end();
    }
    Span busy = tracer.spanBuilder("busy").startSpan();
    long sum = 0;
    try (Scope s = busy.makeCurrent()) {
      long until = System.nanoTime() + 20_000_000;
      while (System.nanoTime() < until) {
        sum += until % 7;
      }
    } finally {
      busy.end();
    }
    assertThat(sum).isNotNegative();
    AttributeKey<Double> offCpu = AttributeKey.doubleKey("thread.off_cpu.duration");
    AttributeKey<Double> runQueue = AttributeKey.doubleKey("thread.runqueue.wait.duration");
    SpanData slept = find(d -> d.getSpanId().equals(sleeping.getSpanContext().getSpanId())).orElseThrow();
    SpanData spun = find(d -> d.getSpanId().equals(busy.getSpanContext().getSpanId())).orElseThrow();
    assertThat(slept.getAttributes().get(offCpu)).isGreaterThanOrEqualTo(0.050);
    assertThat(slept.getAttributes().get(runQueue)).isNotNull();
    // A busy thread never blocks: whatever off-CPU time it has is preemption, i.e. run-queue
    // wait (which on a loaded 2-CPU host can be tens of ms), so the blocked part is near zero.
    double spunOff = spun.getAttributes().get(offCpu);
    double spunQueue = spun.getAttributes().get(runQueue);
    System.out.printf(
        "[obs-ebpf] sleeping 50 ms: off-CPU %.1f ms; busy 20 ms: off-CPU %.1f ms, run queue %.1f ms%n",
        slept.getAttributes().get(offCpu) * 1e3, spunOff * 1e3, spunQueue * 1e3);
    assertThat(spunOff - spunQueue).as("blocked time of a busy span").isLessThan(0.005);
  }

  @Test
  void anHttpRequestShowsItsKernelWorkAsChildren() throws Exception {
    HttpServer backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    backend.createContext("/stock", ex -> respond(ex, "42"));
    backend.start();
    int refused = closedPort();
    String run = UUID.randomUUID().toString();
    HttpServer front = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    front.createContext(
        "/orders",
        ex -> {
          Span server =
              tracer.spanBuilder("GET /orders").setSpanKind(SpanKind.SERVER)
                  .setAttribute("http.request.method", "GET")
                  .setAttribute("url.path", "/orders")
                  .startSpan();
          try (Scope s = server.makeCurrent()) {
            try {
              openMissing("/tmp/obs-ebpf-orders-" + run + ".yaml"); // an optional config file
            } catch (IOException e) {
              throw new AssertionError(e);
            }
            try (Socket cache = new Socket()) { // a cache that is down
              cache.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), refused), 1000);
            } catch (IOException expected) {
              // refused
            }
            Span client =
                tracer.spanBuilder("GET").setSpanKind(SpanKind.CLIENT)
                    .setAttribute("http.request.method", "GET")
                    .setAttribute("server.port", (long) backend.getAddress().getPort())
                    .startSpan();
            try (Scope c = client.makeCurrent()) {
              URL url = new URL("http://127.0.0.1:" + backend.getAddress().getPort() + "/stock");
              HttpURLConnection conn = (HttpURLConnection) url.openConnection();
              conn.setRequestProperty("Connection", "close");
              conn.setConnectTimeout(2000);
              conn.setReadTimeout(2000);
              client.setAttribute("http.response.status_code", (long) conn.getResponseCode());
              conn.getInputStream().readAllBytes();
              conn.disconnect();
            } finally {
              client.end();
            }
            respond(ex, "ok");
          } finally {
            server.end();
          }
        });
    front.start();
    try {
      HttpURLConnection conn =
          (HttpURLConnection)
              new URL("http://127.0.0.1:" + front.getAddress().getPort() + "/orders").openConnection();
      assertThat(conn.getResponseCode()).isEqualTo(200);
      conn.getInputStream().readAllBytes();
      conn.disconnect();
    } finally {
      front.stop(0);
      backend.stop(0);
    }
    SpanData server = awaitSpans(d -> d.getName().equals("GET /orders"), 1).get(0);
    SpanData client =
        awaitSpans(d -> d.getName().equals("GET") && d.getTraceId().equals(server.getTraceId()), 1)
            .get(0);
    awaitSpans(
        d -> d.getName().equals("tcp.connect") && d.getParentSpanId().equals(client.getSpanId()), 1);
    awaitSpans(
        d -> d.getName().equals("tcp.connect") && d.getParentSpanId().equals(server.getSpanId())
            && "ECONNREFUSED".equals(d.getAttributes().get(ERROR_TYPE)), 1);
    awaitSpans(
        d -> d.getName().equals("syscall.openat") && d.getParentSpanId().equals(server.getSpanId()), 1);
    List<SpanData> trace =
        SPANS.getFinishedSpanItems().stream()
            .filter(d -> d.getTraceId().equals(server.getTraceId()))
            .sorted(java.util.Comparator.comparingLong(SpanData::getStartEpochNanos))
            .toList();
    SpanData established =
        trace.stream()
            .filter(d -> d.getParentSpanId().equals(client.getSpanId()))
            .filter(d -> d.getName().equals("tcp.connect"))
            .findFirst()
            .orElseThrow();
    assertThat(established.getAttributes().get(AttributeKey.stringKey("tcp.connect.result")))
        .isEqualTo("established");
    assertThat(established.getAttributes().get(PEER_PORT)).isEqualTo((long) backend.getAddress().getPort());
    System.out.println("[obs-ebpf] trace " + server.getTraceId());
    render(trace, server, "", server.getStartEpochNanos());
  }

  private static void render(List<SpanData> trace, SpanData span, String indent, long t0) {
    StringBuilder attrs = new StringBuilder();
    span.getAttributes().forEach((k, v) -> {
      if (!k.getKey().equals("thread.id") && !k.getKey().equals("syscall.name")) {
        attrs.append(' ').append(k.getKey()).append('=').append(v);
      }
    });
    System.out.printf(
        "[obs-ebpf] %s%-16s %-8s +%7.3f ms %8.3f ms %s%s%n",
        indent,
        span.getName(),
        span.getKind(),
        (span.getStartEpochNanos() - t0) / 1e6,
        (span.getEndEpochNanos() - span.getStartEpochNanos()) / 1e6,
        span.getStatus().getStatusCode(),
        attrs);
    for (SpanData child : trace) {
      if (child.getParentSpanId().equals(span.getSpanId())) {
        render(trace, child, indent + "  ", t0);
      }
    }
  }

  private static void respond(HttpExchange ex, String body) throws IOException {
    byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    ex.sendResponseHeaders(200, bytes.length);
    try (var out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static SpanData pathSpan(String path) {
    return find(s -> path.equals(s.getAttributes().get(FILE_PATH)))
        .orElseThrow(() -> new AssertionError("no kernel span for " + path));
  }

  private static List<Map.Entry<String, SpanContext>> logsFor(String run) {
    return LOGS.records.stream().filter(e -> e.getKey().contains(run)).toList();
  }

  private static Optional<SpanData> find(java.util.function.Predicate<SpanData> p) {
    flush();
    return SPANS.getFinishedSpanItems().stream().filter(p).findFirst();
  }

  private static List<SpanData> awaitSpans(java.util.function.Predicate<SpanData> p, int n)
      throws InterruptedException {
    BooleanSupplier enough =
        () -> {
          flush();
          return SPANS.getFinishedSpanItems().stream().filter(p).count() >= n;
        };
    assertThat(await(enough)).as("%d matching kernel spans within 10 s", n).isTrue();
    return SPANS.getFinishedSpanItems().stream().filter(p).toList();
  }

  private static void flush() {
    if (obs.openTelemetry() instanceof OpenTelemetrySdk sdk) {
      sdk.getSdkTracerProvider().forceFlush().join(5, TimeUnit.SECONDS);
    }
  }

  private static boolean await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(25);
    }
    return condition.getAsBoolean();
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void openMissing(String path) throws IOException {
    try {
      Files.newInputStream(Path.of(path)).close();
    } catch (NoSuchFileException expected) {
      return;
    }
    throw new AssertionError(path + " exists");
  }
}
