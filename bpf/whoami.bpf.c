/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * Never attached: user space runs these with BPF_PROG_TEST_RUN, which executes a raw_tp program
 * in the calling thread, and reads the return value. They answer "which tgid/tid does the kernel
 * see for me?": the ids in the initial PID namespace, which the other programs compare with and
 * which differ from getpid()/gettid() inside a container's PID namespace.
 */
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wpadded"
#include "vmlinux.h"
#pragma clang diagnostic pop
#include <bpf/bpf_helpers.h>

SEC("raw_tp")
int obs_whoami_tgid(void *ctx)
{
	return bpf_get_current_pid_tgid() >> 32;
}

SEC("raw_tp")
int obs_whoami_tid(void *ctx)
{
	return (__u32)bpf_get_current_pid_tgid();
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
