// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf;

import io.obs.config.ConfigKey;
import io.obs.ebpf.internal.EbpfSettings;
import io.obs.ebpf.internal.Syscalls;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;

/**
 * The {@code obs.yaml} keys of obs-ebpf-bridge, all under {@code ebpf.}. Like every obs key each
 * can be set by a system property ({@code -Dobs.ebpf.enabled=false} is the kill switch) or an
 * environment variable ({@code OBS_EBPF_ENABLED=false}).
 *
 * @since 0.1.0
 */
public final class EbpfKeys {

  public static final ConfigKey<String> ENABLED =
      ConfigKey.oneOf("ebpf.enabled", "auto", "true", "false")
          .defaultValue("auto")
          .description(
              "auto: load the kernel programs when the host allows it, else log one WARN line with"
                  + " the reason and go on; true: init() fails when they cannot load; false: never"
                  + " touch the kernel.")
          .build();

  public static final ConfigKey<String> SCOPE =
      ConfigKey.oneOf("ebpf.scope", "process", "host")
          .defaultValue("process")
          .description("process: only this JVM's syscalls and sockets; host: every process.")
          .build();

  public static final ConfigKey<Boolean> PROGRAMS_SYSCALLS =
      ConfigKey.bool("ebpf.programs.syscalls")
          .defaultValue(false)
          .description(
              "Syscall latency and errors (syscall.duration), the syscall.* and process.exec child"
                  + " spans and correlated logs (raw_syscalls sys_enter/sys_exit). Opt-in: while"
                  + " attached, every syscall of every process on the host costs about 150 ns more"
                  + " (docs/ebpf.md, \"Cost to neighbours\").")
          .build();

  public static final ConfigKey<Boolean> PROGRAMS_TCP =
      ConfigKey.bool("ebpf.programs.tcp")
          .defaultValue(true)
          .description(
              "TCP connect latency, retransmits and bytes, and tcp.connect child spans (state-change"
                  + " and retransmit tracepoints: a few runs per connection of the host).")
          .build();

  public static final ConfigKey<Boolean> PROGRAMS_TCP_RTT =
      ConfigKey.bool("ebpf.programs.tcp_rtt")
          .defaultValue(false)
          .description(
              "Smoothed-RTT samples into tcp.rtt (tcp:tcp_probe); needs ebpf.programs.tcp."
                  + " Opt-in: runs for every TCP segment any process on the host receives.")
          .build();

  public static final ConfigKey<Boolean> PROGRAMS_SCHED =
      ConfigKey.bool("ebpf.programs.sched")
          .defaultValue(false)
          .description(
              "Per-thread off-CPU and run-queue time (sched_switch/sched_wakeup). Opt-in: runs on"
                  + " every context switch of the host.")
          .build();

  public static final ConfigKey<List<String>> SYSCALLS =
      ConfigKey.list("ebpf.syscalls")
          .defaultValue(List.copyOf(new TreeSet<>(EbpfSettings.DEFAULT_SYSCALLS)))
          .allowedValues(Syscalls.names().toArray(new String[0]))
          .description(
              "Syscalls measured into syscall.duration and reported when they fail or are slow."
                  + " Adding read/write costs a map update per call.")
          .build();

  public static final ConfigKey<Integer> RING_BUFFER_SIZE =
      ConfigKey.integer("ebpf.ring_buffer_size")
          .defaultValue(256 * 1024)
          .range(4096, 1 << 30)
          .description(
              "Bytes of each program's ring buffer for discrete events, rounded up to a power of"
                  + " two; events that find it full are counted in obs.ebpf.events.dropped.")
          .build();

  public static final ConfigKey<Duration> POLL_INTERVAL =
      ConfigKey.duration("ebpf.poll_interval")
          .defaultValue(Duration.ofMillis(100))
          .description("How often the poller thread drains the ring buffers (at most 60s).")
          .build();

  public static final ConfigKey<Duration> SLOW_SYSCALL =
      ConfigKey.duration("ebpf.thresholds.slow_syscall")
          .defaultValue(Duration.ofMillis(10))
          .description("A successful traced syscall at least this slow is reported as an event.")
          .build();

  public static final ConfigKey<Integer> PEER_LIMIT =
      ConfigKey.integer("ebpf.thresholds.peer_limit")
          .defaultValue(100)
          .range(0, 100_000)
          .description(
              "Distinct peer values of tcp.connect.duration; later peers are folded into"
                  + " peer=other.")
          .build();

  public static final ConfigKey<Boolean> TRACE_ENABLED =
      ConfigKey.bool("ebpf.trace.enabled")
          .defaultValue(true)
          .description(
              "Publish the current sampled span of each thread to the kernel and turn stamped"
                  + " kernel events into child spans and correlated logs of that span.")
          .build();

  public static final ConfigKey<Integer> TRACE_MAX_SPANS =
      ConfigKey.integer("ebpf.trace.max_spans_per_second")
          .defaultValue(100)
          .range(0, 1_000_000)
          .description(
              "Kernel child spans (tcp.connect, syscall.*, process.exec) produced per second at"
                  + " most; the rest are counted in obs.ebpf.trace.suppressed.")
          .build();

  public static final ConfigKey<Boolean> TRACE_LOGS =
      ConfigKey.bool("ebpf.trace.logs")
          .defaultValue(true)
          .description(
              "One WARN log record (logger io.obs.ebpf.kernel) per failing syscall inside a traced"
                  + " request, with that request's trace_id and span_id.")
          .build();

  public static final ConfigKey<String> NATIVE_WORKDIR =
      ConfigKey.string("ebpf.native.workdir")
          .defaultDescription("java.io.tmpdir")
          .description(
              "Directory libobs_ebpf.so is extracted to (and deleted from right after loading)"
                  + " when it is not on java.library.path. Set it when the temporary directory"
                  + " is mounted noexec.")
          .build();

  /** Every key of this module, in documentation order. */
  public static final List<ConfigKey<?>> ALL =
      List.of(
          ENABLED,
          SCOPE,
          PROGRAMS_SYSCALLS,
          PROGRAMS_TCP,
          PROGRAMS_TCP_RTT,
          PROGRAMS_SCHED,
          SYSCALLS,
          RING_BUFFER_SIZE,
          POLL_INTERVAL,
          SLOW_SYSCALL,
          PEER_LIMIT,
          TRACE_ENABLED,
          TRACE_MAX_SPANS,
          TRACE_LOGS,
          NATIVE_WORKDIR);

  private EbpfKeys() {}
}
