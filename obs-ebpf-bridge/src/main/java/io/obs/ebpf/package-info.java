// SPDX-License-Identifier: Apache-2.0

/**
 * Kernel-level syscall, TCP and scheduler metrics about this JVM, from CO-RE BPF programs on BTF
 * tracepoints, loaded from inside the process. Add the jar and run with CAP_BPF and CAP_PERFMON
 * (or as root); without them the application runs as before and one WARN line says why the
 * bridge is off.
 *
 * @since 0.1.0
 */
@NullMarked
package io.obs.ebpf;

import org.jspecify.annotations.NullMarked;
