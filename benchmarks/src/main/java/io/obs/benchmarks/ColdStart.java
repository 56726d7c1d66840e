// SPDX-License-Identifier: Apache-2.0
package io.obs.benchmarks;

import io.obs.Observability;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Cold start of {@code Observability.init()} in fresh JVMs, against a baseline of building a bare
 * OpenTelemetry SDK by hand in fresh JVMs of the same run. Run through {@code ColdStart report
 * <runs>}; one child JVM per measurement, alternating obs and baseline so machine noise hits both.
 *
 * <p>Each child prints one line: {@code <mode> <init micros> <retained heap bytes>}. Retained heap
 * is used heap after repeated full GCs with obs running, minus the same before init; the obs
 * variant includes every module on the classpath.
 */
public final class ColdStart {

  private ColdStart() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("report")) {
      report(args.length > 1 ? Integer.parseInt(args[1]) : 10);
      return;
    }
    String mode = args.length > 0 ? args[0] : "obs";
    long before = settledHeap();
    long start = System.nanoTime();
    AutoCloseable running = mode.equals("obs") ? obs() : bareSdk();
    long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
    long after = settledHeap();
    System.out.println(mode + " " + micros + " " + (after - before));
    running.close();
  }

  private static AutoCloseable obs() {
    return Observability.builder()
        .set("server.port", "0")
        .set("server.host", "127.0.0.1")
        .set("shutdown.hook", "false")
        .set("service.name", "cold-start")
        .build();
  }

  private static AutoCloseable bareSdk() {
    Resource resource = Resource.getDefault().merge(Resource.create(
        io.opentelemetry.api.common.Attributes.of(
            io.opentelemetry.api.common.AttributeKey.stringKey("service.name"), "cold-start")));
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().setResource(resource).build())
        .setMeterProvider(SdkMeterProvider.builder().setResource(resource).build())
        .setLoggerProvider(SdkLoggerProvider.builder().setResource(resource).build())
        .setPropagators(ContextPropagators.create(TextMapPropagator.composite(
            W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance())))
        .build();
    return sdk;
  }

  private static long settledHeap() throws InterruptedException {
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(20);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static void report(int runs) throws Exception {
    String classpath = System.getProperty("java.class.path");
    String java = ProcessHandle.current().info().command().orElse("java");
    List<Long> obsMicros = new ArrayList<>();
    List<Long> sdkMicros = new ArrayList<>();
    List<Long> obsBytes = new ArrayList<>();
    List<Long> sdkBytes = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      for (String mode : new String[] {"obs", "sdk"}) {
        Process process = new ProcessBuilder(java, "-XX:+UseSerialGC", "-cp", classpath,
            ColdStart.class.getName(), mode).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String line = null;
        for (String l : new String(process.getInputStream().readAllBytes()).split("\n")) {
          if (l.startsWith(mode + " ")) {
            line = l;
          }
        }
        if (!process.waitFor(60, TimeUnit.SECONDS) || line == null) {
          throw new IllegalStateException("child JVM for " + mode + " failed");
        }
        String[] parts = line.trim().split(" ");
        (mode.equals("obs") ? obsMicros : sdkMicros).add(Long.parseLong(parts[1]));
        (mode.equals("obs") ? obsBytes : sdkBytes).add(Long.parseLong(parts[2]));
      }
    }
    long obsInit = median(obsMicros);
    long sdkInit = median(sdkMicros);
    System.out.printf("cold start over %d fresh JVMs each (median):%n", runs);
    System.out.printf("  Observability.init()      %6.1f ms, retained heap %6.2f MB%n",
        obsInit / 1000.0, median(obsBytes) / 1e6);
    System.out.printf("  bare OpenTelemetrySdk     %6.1f ms, retained heap %6.2f MB%n",
        sdkInit / 1000.0, median(sdkBytes) / 1e6);
    System.out.printf("  ratio obs / bare SDK      %6.2f x time, extra heap %6.2f MB%n",
        (double) obsInit / sdkInit, (median(obsBytes) - median(sdkBytes)) / 1e6);
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
