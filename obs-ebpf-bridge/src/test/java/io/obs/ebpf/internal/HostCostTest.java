// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.obs.ebpf.EbpfKeys;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostCostTest {

  @Test
  void exactlyTheProgramsWithinTheBudgetAreOnByDefault() {
    EbpfSettings defaults = EbpfSettings.defaults();

    for (HostCost.Group g : HostCost.Group.values()) {
      boolean on =
          switch (g) {
            case SYSCALLS -> defaults.syscalls();
            case TCP -> defaults.tcp();
            case TCP_RTT -> defaults.tcpRtt();
            case SCHED -> defaults.sched();
          };
      assertThat(on).as(g + " on by default").isEqualTo(g.withinBudget());
    }
    assertThat(EbpfKeys.PROGRAMS_SYSCALLS.defaultValue()).isEqualTo(defaults.syscalls());
    assertThat(EbpfKeys.PROGRAMS_TCP.defaultValue()).isEqualTo(defaults.tcp());
    assertThat(EbpfKeys.PROGRAMS_TCP_RTT.defaultValue()).isEqualTo(defaults.tcpRtt());
    assertThat(EbpfKeys.PROGRAMS_SCHED.defaultValue()).isEqualTo(defaults.sched());
  }

  @Test
  void startUpLineNamesEachAttachedGroupAndMarksTheOptIns() {
    List<ProgramStatus> programs = new ArrayList<>();
    programs.add(attached("tcp", "obs_tcp_state"));
    programs.add(attached("tcp", "obs_tcp_retrans"));
    programs.add(new ProgramStatus("tcp", "obs_tcp_probe", ProgramStatus.State.DISABLED, null, 0));
    programs.add(new ProgramStatus("syscalls", "obs_sys_enter", ProgramStatus.State.LOAD_FAILED, "x", 0));

    assertThat(HostCost.describe(programs))
        .isEqualTo(
            "cost to every other process on this host: ebpf.programs.tcp: "
                + HostCost.Group.TCP.describe());

    programs.add(attached("syscalls", "obs_sys_exit"));
    programs.add(attached("sched", "obs_sched_switch"));
    assertThat(HostCost.describe(programs))
        .startsWith("cost to every other process on this host: ebpf.programs.syscalls (opted in,"
            + " over the 1% budget): +")
        .contains("ns per syscall of every process")
        .contains("; ebpf.programs.tcp: +")
        .contains("; ebpf.programs.sched (opted in, over the 1% budget): +");
    assertThat(HostCost.describe(List.of())).isEqualTo("no host-wide programs");
  }

  @Test
  void startUpLinesInTheDocsAreWhatTheBridgeLogs() throws Exception {
    List<ProgramStatus> tcp =
        List.of(attached("tcp", "obs_tcp_state"), attached("tcp", "obs_tcp_retrans"));
    List<ProgramStatus> withSyscalls = new ArrayList<>(tcp);
    withSyscalls.add(attached("syscalls", "obs_sys_enter"));
    withSyscalls.add(attached("syscalls", "obs_sys_exit"));
    String text =
        new String(Feature.readResource("io/obs/ebpf/internal/startup-lines.txt"), UTF_8);

    assertThat(documented(text, "default"))
        .isEqualTo("INFO: " + HostCost.startupLine(118, "on: 2 programs attached, scope process", tcp));
    assertThat(documented(text, "syscalls"))
        .isEqualTo(
            "INFO: "
                + HostCost.startupLine(125, "on: 4 programs attached, scope process", withSyscalls));
  }

  /** The one line between {@code tag::<tag>[]} and {@code end::<tag>[]}. */
  private static String documented(String text, String tag) {
    int start = text.indexOf('\n', text.indexOf("tag::" + tag + "[]")) + 1;
    return text.substring(start, text.indexOf("\n", start));
  }

  private static ProgramStatus attached(String object, String program) {
    return new ProgramStatus(object, program, ProgramStatus.State.ATTACHED, null, 1);
  }
}
