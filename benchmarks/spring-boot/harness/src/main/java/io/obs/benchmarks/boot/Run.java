// SPDX-License-Identifier: Apache-2.0
package io.obs.benchmarks.boot;

import io.obs.benchmarks.boot.OtlpSink.Counts;
import io.obs.benchmarks.boot.OtlpSink.Signal;
import java.util.List;
import java.util.Map;

/**
 * What one fresh JVM of one variant measured in one round. Times in milliseconds unless named;
 * Boot's own figures are NaN when its "Started" line was not found, the throughput figures when
 * the run measured start-up only.
 *
 * @param firstResponseMillis from starting the process to the first 200 on the route
 * @param bootStartedSeconds Boot's "Started ... in X seconds" (context start, JVM start excluded)
 * @param bootProcessSeconds Boot's "(process running for Y)" at the same moment
 * @param startupCpuSeconds the application's CPU, every thread, until the first 200: what start-up
 *     costs regardless of how many cores it could spread over or had to share
 * @param loadedClasses classes the JVM had loaded at the first 200
 * @param handledRequests route requests the application served: the first one, the warm-up's and
 *     the measurement's
 * @param cpuMicrosPerRequest the application process's user+system CPU during the measurement,
 *     every thread, divided by the requests wrk completed in it
 * @param otherCoresStartup CPU used from process start to the first 200 by processes outside the
 *     run (not the application or the harness), in cores: the shared machine's noise
 * @param otherCores the same during the measured wrk run (wrk is part of the run)
 * @param load1AtStart the 1-minute load average when the process was started
 * @param stopMillis from SIGTERM to exit, exporters' final flush included
 * @param sink what the OTLP sink received from this process, start to exit
 * @param warnings start-up and run lines at WARN or ERROR (and JVM warnings) in the process's output
 */
record Run(
    int round,
    String variant,
    double firstResponseMillis,
    double bootStartedSeconds,
    double bootProcessSeconds,
    double startupCpuSeconds,
    long loadedClasses,
    double requestsPerSecond,
    double p50Millis,
    double p99Millis,
    long measuredRequests,
    long handledRequests,
    long errors,
    double cpuMicrosPerRequest,
    long peakRssKb,
    double otherCoresStartup,
    double otherCores,
    double load1AtStart,
    double stopMillis,
    Map<Signal, Counts> sink,
    List<String> warnings) {}
