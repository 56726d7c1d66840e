// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf;

import io.obs.config.ConfigKey;
import io.obs.config.ConfigProblem;
import io.obs.config.ObsConfig;
import io.obs.ebpf.internal.AvailabilityProbe;
import io.obs.ebpf.internal.AvailabilityProbe.Availability;
import io.obs.ebpf.internal.BpfException;
import io.obs.ebpf.internal.ContextPublisher;
import io.obs.ebpf.internal.EbpfSettings;
import io.obs.ebpf.internal.ExemplarSpans;
import io.obs.ebpf.internal.Feature;
import io.obs.ebpf.internal.HostCost;
import io.obs.ebpf.internal.KernelCostSpanProcessor;
import io.obs.ebpf.internal.KernelEventListener;
import io.obs.ebpf.internal.KernelMetrics;
import io.obs.ebpf.internal.KernelSession;
import io.obs.ebpf.internal.KernelTelemetry;
import io.obs.ebpf.internal.NativeLibrary;
import io.obs.ebpf.internal.ProgramStatus;
import io.obs.ebpf.internal.Syscalls;
import io.obs.server.ReadinessCheck;
import io.obs.spi.ModuleContext;
import io.obs.spi.ModuleRequirementException;
import io.obs.spi.ObservabilityModule;
import io.obs.spi.SdkSetup;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The eBPF bridge module: kernel-level syscall, TCP and scheduler signals about this JVM, exported
 * through the shared OpenTelemetry SDK ({@code syscall.duration}, {@code tcp.connect.duration},
 * {@code tcp.rtt}, {@code tcp.retransmits}, {@code tcp.bytes}, {@code obs.ebpf.*}).
 *
 * <p>With {@code ebpf.trace.enabled} (the default) it also puts kernel work inside the trace: the
 * sampled span current on each platform thread is published to the kernel through a shared
 * memory map, and stamped events become child spans ({@code tcp.connect}, {@code
 * syscall.openat}, {@code syscall.connect}, {@code process.exec}), span attributes ({@code
 * thread.off_cpu.duration} with the sched program) and log records on {@code
 * io.obs.ebpf.kernel} carrying the request's trace and span ids.
 *
 * <p>The programs are loaded and attached in {@link #start}. With {@code ebpf.enabled: auto}
 * obs-core runs it on its start-up thread after {@code init()} returns ({@code /readyz} says
 * {@code loading: ...} meanwhile; {@link #awaitLoaded} waits for it); with {@code true} inside
 * {@code init()}, which throws when the programs cannot run.
 *
 * <p>Found by {@link java.util.ServiceLoader}; configured by {@link EbpfKeys}. When the host does
 * not allow BPF (not Linux on x86_64 or aarch64, kernel older than 5.12, no BTF, no CAP_BPF and CAP_PERFMON, no
 * native library) it logs one WARN line with the exact reason, reports it on {@code /readyz} and in
 * {@code obs.ebpf.program.up}, and the application runs on unchanged.
 *
 * @since 0.1.0
 */
public final class EbpfBridge implements ObservabilityModule {
  /** Looked up on first use: finding the logging back end is costly in a cold start. */
  private static System.Logger log() {
    return LogHolder.LOG;
  }

  private static final class LogHolder {
    static final System.Logger LOG = System.getLogger("io.obs.ebpf");
  }

  private final Supplier<Availability> probe;
  private volatile @Nullable KernelSession session;
  private volatile String status = "not started";
  private @Nullable KernelMetrics metrics; // guarded by this
  private volatile CountDownLatch loaded = new CountDownLatch(0);
  private volatile @Nullable KernelTelemetry telemetry;

  /** Used by {@link java.util.ServiceLoader}. */
  public EbpfBridge() {
    this(AvailabilityProbe::probe);
  }

  EbpfBridge(Supplier<Availability> probe) {
    this.probe = probe;
  }

  @Override
  public String name() {
    return "ebpf";
  }

  @Override
  public int order() {
    return 400;
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return EbpfKeys.ALL;
  }

  /**
   * Bad {@code ebpf.*} values, reported with every other configuration problem under the keys'
   * own names, before anything starts; a bad value never just switches the bridge off.
   */
  @Override
  public List<ConfigProblem> validate(ObsConfig config) {
    List<ConfigProblem> problems = new ArrayList<>();
    // Only a tcp_rtt set explicitly contradicts tcp: false; its default follows the TCP program.
    if (config.isSet(EbpfKeys.PROGRAMS_TCP_RTT)
        && config.get(EbpfKeys.PROGRAMS_TCP_RTT)
        && !config.get(EbpfKeys.PROGRAMS_TCP)) {
      problems.add(
          new ConfigProblem(
              config.sourceOf(EbpfKeys.PROGRAMS_TCP_RTT),
              EbpfKeys.PROGRAMS_TCP_RTT.path(),
              "needs ebpf.programs.tcp: the RTT program samples the sockets the TCP program"
                  + " tracks"));
    }
    for (String syscall : config.get(EbpfKeys.SYSCALLS)) {
      if (Syscalls.number(syscall).isEmpty()) {
        String lower = syscall.toLowerCase(Locale.ROOT);
        problems.add(new ConfigProblem(config.sourceOf(EbpfKeys.SYSCALLS),
            EbpfKeys.SYSCALLS.path(),
            Syscalls.names().contains(lower)
                ? "syscall '" + syscall + "' does not exist on " + Syscalls.current().arch()
                : "unknown syscall '" + syscall + "'" + nearestSyscall(lower)));
      }
    }
    Duration poll = config.get(EbpfKeys.POLL_INTERVAL);
    if (poll.isZero() || poll.toSeconds() > 60) {
      problems.add(new ConfigProblem(config.sourceOf(EbpfKeys.POLL_INTERVAL),
          EbpfKeys.POLL_INTERVAL.path(), "must be more than 0 and at most 60s, got " + poll));
    }
    return problems;
  }

  private static String nearestSyscall(String name) {
    String nearest = io.obs.internal.Suggestions.nearest(name, Syscalls.names());
    return nearest == null ? "" : "; did you mean '" + nearest + "'?";
  }

  /** {@code ebpf.enabled: true}: {@code init()} returns with the programs attached or fails. */
  @Override
  public boolean requiresStartInInit(ObsConfig config) {
    return config.get(EbpfKeys.ENABLED).equals("true");
  }

  @Override
  public void configure(SdkSetup setup) {
    ObsConfig config = setup.config();
    String mode = config.get(EbpfKeys.ENABLED);
    if (mode.equals("false")) {
      return;
    }
    NativeLibrary.setWorkDir(config.find(EbpfKeys.NATIVE_WORKDIR).map(Path::of).orElse(null));
    if (config.get(EbpfKeys.TRACE_ENABLED)) {
      // OpenTelemetry applies storage wrappers when the context is first used, so this cannot
      // wait for start(); until a session enables publishing it costs one volatile read.
      ContextPublisher.install();
      setup.addSpanProcessor(new KernelCostSpanProcessor(() -> session));
    }
    if (mode.equals("true")) {
      Availability availability = probe.get();
      if (!availability.isAvailable()) {
        throw new ModuleRequirementException(
            "ebpf.enabled is true but the kernel programs cannot run: " + availability.reason());
      }
    }
  }

  @Override
  public void start(ModuleContext context) {
    ObsConfig config = context.config();
    String mode = config.get(EbpfKeys.ENABLED);
    CountDownLatch done = new CountDownLatch(1);
    loaded = done;
    try {
      context.addReadinessCheck("kernel", () -> ReadinessCheck.Result.ready(status));
      context.publish(EbpfBridge.class, this);
      if (mode.equals("false")) {
        status = "off: ebpf.enabled is false (" + config.sourceOf(EbpfKeys.ENABLED) + ")";
        return;
      }
      // With auto, obs-core runs start() on its start-up thread after init() has returned, so the
      // few hundred milliseconds of verifier time here do not hold up the application. Until the
      // session is published the context wrapper passes contexts through and the metrics report
      // nothing. With true, init() waits for this (requiresStartInInit).
      status = "loading: BPF programs are being loaded and attached";
      long startedAt = System.nanoTime();
      load(context, settings(config), mode.equals("true"));
      if (status.startsWith("on:") || status.startsWith("partial:")) {
        // The hooks are host-wide: say what they cost the node's other processes.
        log().log(
            System.Logger.Level.INFO,
            HostCost.startupLine(
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt),
                status,
                kernelSession().map(KernelSession::programs).orElse(List.of())));
      }
    } finally {
      done.countDown();
    }
  }

  /**
   * Loads and attaches the programs and publishes the session. With {@code required}, a session
   * with nothing attached throws; otherwise it is reported (WARN line, {@code /readyz} detail,
   * {@code obs.ebpf.program.up}).
   */
  private void load(ModuleContext context, EbpfSettings settings, boolean required) {
    ObsConfig config = context.config();
    List<ProgramStatus> programs;
    Availability availability = probe.get();
    KernelSession started = null;
    KernelTelemetry startedTelemetry = null;
    ExemplarSpans exemplars = new ExemplarSpans();
    String outcome;
    if (!availability.isAvailable()) {
      programs = notLoaded(settings, availability.reason());
      status = "off: " + availability.reason();
      outcome = status;
    } else {
      KernelEventListener listener = KernelEventListener.NONE;
      int contextMap = -1;
      if (config.get(EbpfKeys.TRACE_ENABLED) && (settings.syscalls() || settings.tcp())) {
        try {
          contextMap = ContextPublisher.enable();
          startedTelemetry =
              new KernelTelemetry(
                  context.openTelemetry().getTracer("io.obs.ebpf"),
                  config.get(EbpfKeys.TRACE_LOGS),
                  config.get(EbpfKeys.TRACE_MAX_SPANS),
                  exemplars);
          listener = startedTelemetry;
        } catch (BpfException | IOException | RuntimeException e) {
          log().log(
              System.Logger.Level.WARNING,
              "obs-ebpf: kernel events are not correlated with traces: " + e.getMessage());
        }
      }
      started = KernelSession.start(settings, listener, contextMap);
      programs = started.programs();
      List<String> failed =
          programs.stream()
              .filter(p -> !p.up() && p.state() != ProgramStatus.State.DISABLED)
              .map(ProgramStatus::describe)
              .collect(Collectors.toList());
      long attached = programs.stream().filter(ProgramStatus::up).count();
      if (attached == 0) {
        started.close();
        started = null;
        outcome =
            "off: " + (failed.isEmpty() ? "every program is disabled" : String.join("; ", failed));
      } else if (!failed.isEmpty()) {
        outcome = "partial: " + attached + " programs attached; " + String.join("; ", failed);
      } else {
        outcome =
            "on: "
                + attached
                + " programs attached, scope "
                + settings.scope().name().toLowerCase(Locale.ROOT);
      }
    }
    if (started == null) {
      startedTelemetry = null;
      if (ContextPublisher.isEnabled()) {
        ContextPublisher.disable();
      }
    }
    synchronized (this) {
      status = outcome;
      if (started == null && required) {
        throw new ModuleRequirementException(
            "ebpf.enabled is true but the kernel programs are " + outcome);
      }
      if (!outcome.startsWith("on:")) {
        log().log(
            System.Logger.Level.WARNING,
            "obs-ebpf: kernel metrics are "
                + outcome
                + " (ebpf.enabled: false silences this; docs/ebpf.md lists the requirements)");
      }
      session = started;
      telemetry = startedTelemetry;
      // With the metrics, not in start(): creating the first instruments loads a good part of the
      // SDK's metric classes, which is init()'s time when no other module has done it yet.
      registerTraceInstruments(context);
      metrics =
          KernelMetrics.bind(
              context.openTelemetry().getMeter("io.obs.ebpf"),
              context.selfMeter(),
              started,
              programs,
              config.get(EbpfKeys.PEER_LIMIT),
              startedTelemetry != null ? exemplars : null);
    }
  }

  /**
   * Waits until loading has finished (or {@code timeout} passed) and returns whether programs are
   * attached. The programs are loaded on obs's start-up thread after {@code init()} returns; code
   * that needs kernel events from its first request (tests, a service that wants its first
   * connects attributed) waits here or in {@code Observability.awaitStarted}.
   *
   * @since 0.1.0
   */
  public boolean awaitLoaded(Duration timeout) throws InterruptedException {
    Objects.requireNonNull(timeout, "timeout");
    loaded.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    return session != null;
  }

  @Override
  public void stop() {
    // obs-core stops a module only after its start() has returned, so no load is in flight here.
    // obs-core stops the modules before the SDK's final flush, so what is read here still goes
    // out: the kernel aggregates' last figures (the metric callbacks report them from then on),
    // and the events still in the ring buffers, which the poller drains into spans and log
    // records as it stops, before the maps close.
    synchronized (this) {
      KernelMetrics m = metrics;
      metrics = null;
      if (m != null) {
        m.finish();
      }
      KernelSession s = session;
      session = null;
      if (s != null) {
        s.close();
      }
      telemetry = null;
      ContextPublisher.disable();
      status = "stopped";
    }
  }

  private void registerTraceInstruments(ModuleContext context) {
    context
        .selfMeter()
        .counterBuilder("obs.ebpf.trace.spans")
        .setDescription("Kernel child spans produced from events stamped with a trace context.")
        .setUnit("{span}")
        .buildWithCallback(
            m -> {
              KernelTelemetry t = telemetry;
              if (t != null) {
                m.record(t.spans());
              }
            });
    context
        .selfMeter()
        .counterBuilder("obs.ebpf.trace.suppressed")
        .setDescription("Kernel child spans not produced because of ebpf.trace.max_spans_per_second.")
        .setUnit("{span}")
        .buildWithCallback(
            m -> {
              KernelTelemetry t = telemetry;
              if (t != null) {
                m.record(t.suppressed());
              }
            });
    context
        .selfMeter()
        .upDownCounterBuilder("obs.ebpf.trace.unpublished_threads")
        .setDescription(
            "Platform threads that publish no trace context because their table slot (tid mod"
                + " 16384) belongs to another live thread.")
        .setUnit("{thread}")
        .buildWithCallback(m -> m.record(ContextPublisher.collisions()));
    context
        .selfMeter()
        .counterBuilder("obs.ebpf.trace.logs")
        .setDescription("Correlated log records produced for failing syscalls in traced requests.")
        .setUnit("{record}")
        .buildWithCallback(
            m -> {
              KernelTelemetry t = telemetry;
              if (t != null) {
                m.record(t.logs());
              }
            });
  }

  /** Whether kernel programs are attached and reporting. */
  public boolean isActive() {
    return session != null;
  }

  /**
   * One line saying what the bridge does: {@code on: ...}, {@code partial: ...} with the programs
   * that failed, or {@code off: <reason>}. The same text is the {@code /readyz} detail.
   */
  public String status() {
    return status;
  }

  /**
   * Internal: not for use outside obs. The running kernel session, for the bridge's own
   * extensions (trace correlation).
   */
  Optional<KernelSession> kernelSession() {
    return Optional.ofNullable(session);
  }

  static EbpfSettings settings(ObsConfig config) {
    int ring = config.get(EbpfKeys.RING_BUFFER_SIZE);
    int pow2 = Integer.bitCount(ring) == 1 ? ring : Integer.highestOneBit(ring) << 1;
    return new EbpfSettings(
        config.get(EbpfKeys.SCOPE).equals("host")
            ? EbpfSettings.Scope.HOST
            : EbpfSettings.Scope.PROCESS,
        config.get(EbpfKeys.PROGRAMS_SYSCALLS),
        config.get(EbpfKeys.PROGRAMS_TCP),
        config.get(EbpfKeys.PROGRAMS_TCP) && config.get(EbpfKeys.PROGRAMS_TCP_RTT),
        config.get(EbpfKeys.PROGRAMS_SCHED),
        new TreeSet<>(config.get(EbpfKeys.SYSCALLS)),
        config.get(EbpfKeys.SLOW_SYSCALL),
        pow2,
        config.get(EbpfKeys.POLL_INTERVAL));
  }

  private static List<ProgramStatus> notLoaded(EbpfSettings settings, String reason) {
    List<ProgramStatus> out = new ArrayList<>();
    for (Feature f : Feature.values()) {
      for (String p : f.programs()) {
        boolean on = settings.wants(f, p);
        out.add(
            new ProgramStatus(
                f.objectName(),
                p,
                on ? ProgramStatus.State.LOAD_FAILED : ProgramStatus.State.DISABLED,
                on ? reason : null,
                0));
      }
    }
    return out;
  }
}
