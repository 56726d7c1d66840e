/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * No programs: owns the "obs_thread_ctx" table (obs_ctx.h). User space loads this object once
 * per JVM and keeps it, so its memory mapping stays valid while application threads write to it;
 * the syscall and TCP objects of each kernel session reuse the map's fd.
 */
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wpadded"
#include "vmlinux.h"
#pragma clang diagnostic pop
#include <bpf/bpf_helpers.h>
#include "obs_ctx.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
