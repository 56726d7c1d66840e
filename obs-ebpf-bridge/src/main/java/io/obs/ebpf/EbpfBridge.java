// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf;

import io.obs.config.ConfigKey;
import io.obs.config.ObsConfig;
import io.obs.ebpf.internal.AvailabilityProbe;
import io.obs.ebpf.internal.AvailabilityProbe.Availability;
import io.obs.ebpf.internal.EbpfSettings;
import io.obs.ebpf.internal.Feature;
import io.obs.ebpf.internal.KernelEventListener;
import io.obs.ebpf.internal.KernelMetrics;
import io.obs.ebpf.internal.KernelSession;
import io.obs.ebpf.internal.ProgramStatus;
import io.obs.server.ReadinessCheck;
import io.obs.spi.ModuleContext;
import io.obs.spi.ModuleRequirementException;
import io.obs.spi.ObservabilityModule;
import io.obs.spi.SdkSetup;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The eBPF bridge module: kernel-level syscall, TCP and scheduler signals about this JVM, exported
 * through the shared OpenTelemetry SDK ({@code syscall.duration}, {@code tcp.connect.duration},
 * {@code tcp.rtt}, {@code tcp.retransmits}, {@code tcp.bytes}, {@code obs.ebpf.*}).
 *
 * <p>Found by {@link java.util.ServiceLoader}; configured by {@link EbpfKeys}. When the host does
 * not allow BPF (not Linux x86_64, kernel older than 5.12, no BTF, no CAP_BPF and CAP_PERFMON, no
 * native library) it logs one WARN line with the exact reason, reports it on {@code /readyz} and in
 * {@code obs.ebpf.program.up}, and the application runs on unchanged.
 *
 * @since 0.1.0
 */
public final class EbpfBridge implements ObservabilityModule {
  private static final System.Logger LOG = System.getLogger("io.obs.ebpf");

  private final Supplier<Availability> probe;
  private volatile @Nullable KernelSession session;
  private volatile String status = "not started";
  private @Nullable KernelMetrics metrics;

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

  @Override
  public void configure(SdkSetup setup) {
    ObsConfig config = setup.config();
    String mode = config.get(EbpfKeys.ENABLED);
    if (mode.equals("false")) {
      return;
    }
    settings(config); // reports bad values before anything starts
    if (mode.equals("true")) {
      Availability availability = probe.get();
      if (!availability.isAvailable()) {
        throw new ModuleRequirementException(
            "ebpf.enabled is true but the kernel programs cannot run: " + availability.reason());
      }
    }
  }

  @Override
  public synchronized void start(ModuleContext context) {
    ObsConfig config = context.config();
    String mode = config.get(EbpfKeys.ENABLED);
    context.addReadinessCheck("kernel", () -> ReadinessCheck.Result.ready(status));
    context.publish(EbpfBridge.class, this);
    if (mode.equals("false")) {
      status = "off: ebpf.enabled is false (" + config.sourceOf(EbpfKeys.ENABLED) + ")";
      return;
    }
    EbpfSettings settings = settings(config);
    List<ProgramStatus> programs;
    Availability availability = probe.get();
    KernelSession started = null;
    if (!availability.isAvailable()) {
      programs = notLoaded(settings, availability.reason());
      status = "off: " + availability.reason();
    } else {
      started = KernelSession.start(settings, KernelEventListener.NONE);
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
        status = "off: " + (failed.isEmpty() ? "every program is disabled" : String.join("; ", failed));
      } else if (!failed.isEmpty()) {
        status = "partial: " + attached + " programs attached; " + String.join("; ", failed);
      } else {
        status =
            "on: "
                + attached
                + " programs attached, scope "
                + settings.scope().name().toLowerCase(Locale.ROOT);
      }
    }
    if (started == null && mode.equals("true")) {
      throw new IllegalStateException("ebpf.enabled is true but the kernel programs are " + status);
    }
    if (!status.startsWith("on:")) {
      LOG.log(
          System.Logger.Level.WARNING,
          "obs-ebpf: kernel metrics are "
              + status
              + " (ebpf.enabled: false silences this; docs/ebpf.md lists the requirements)");
    }
    session = started;
    metrics =
        KernelMetrics.bind(
            context.openTelemetry().getMeter("io.obs.ebpf"),
            context.selfMeter(),
            started,
            programs,
            config.get(EbpfKeys.PEER_LIMIT));
  }

  @Override
  public synchronized void stop() {
    KernelMetrics m = metrics;
    metrics = null;
    if (m != null) {
      m.close();
    }
    KernelSession s = session;
    session = null;
    if (s != null) {
      s.close();
    }
    status = "stopped";
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
  public Optional<KernelSession> kernelSession() {
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
        config.get(EbpfKeys.PROGRAMS_SCHED),
        new TreeSet<>(config.get(EbpfKeys.SYSCALLS)),
        config.get(EbpfKeys.SLOW_SYSCALL),
        pow2,
        config.get(EbpfKeys.POLL_INTERVAL));
  }

  private static List<ProgramStatus> notLoaded(EbpfSettings settings, String reason) {
    List<ProgramStatus> out = new ArrayList<>();
    for (Feature f : Feature.values()) {
      boolean on =
          switch (f) {
            case SYSCALLS -> settings.syscalls();
            case TCP -> settings.tcp();
            case SCHED -> settings.sched();
          };
      for (String p : f.programs()) {
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
