/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * Per-thread off-CPU and run-queue wait time of the target process.
 *
 * Accumulated in the BPF_F_MMAPABLE array obs_threads, slot tid & (OBS_THREAD_SLOTS - 1), so a
 * thread in user space reads its own totals with two memory loads and no syscall. A slot whose
 * tid differs is taken over (and reset) by the next thread that hashes to it.
 */
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wpadded"
#include "vmlinux.h"
#pragma clang diagnostic pop
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "obs_bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, OBS_THREAD_SLOTS);
	__type(key, __u32);
	__type(value, struct obs_thread_stats);
} obs_threads SEC(".maps");

/* Kernels before 5.14 call the field "state". */
struct task_struct___pre514 {
	long state;
} __attribute__((preserve_access_index));

static __always_inline long task_state(const struct task_struct *t)
{
	if (bpf_core_field_exists(t->__state))
		return t->__state;
	return ((const struct task_struct___pre514 *)t)->state;
}

static __always_inline struct obs_thread_stats *slot_of(const struct task_struct *t)
{
	__u32 tid = t->pid;
	__u32 idx = tid & (OBS_THREAD_SLOTS - 1);
	struct obs_thread_stats *s;

	if (!obs_tgid_wanted(t->tgid) || tid == 0)
		return NULL;
	s = bpf_map_lookup_elem(&obs_threads, &idx);
	if (!s)
		return NULL;
	if (s->tid != tid) {
		if (s->tid != 0)
			obs_count(OBS_CNT_SLOT_TAKEOVER, 1);
		s->off_cpu_ns = 0;
		s->runq_ns = 0;
		s->switch_out_ns = 0;
		s->wakeup_ns = 0;
		s->switches = 0;
		s->state = OBS_THREAD_RUNNING;
		s->tid = tid;
	}
	return s;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(obs_sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct obs_thread_stats *s;
	__u64 now = bpf_ktime_get_ns();

	s = slot_of(prev);
	if (s) {
		s->switch_out_ns = now;
		/* Preempted, or its sleep was cancelled: it stays on the run queue. */
		if (preempt || task_state(prev) == 0) {
			s->state = OBS_THREAD_RUNNABLE;
			s->wakeup_ns = now;
		} else {
			s->state = OBS_THREAD_SLEEPING;
		}
	}
	s = slot_of(next);
	if (s) {
		if (s->state != OBS_THREAD_RUNNING && s->switch_out_ns) {
			s->off_cpu_ns += now - s->switch_out_ns;
			if (s->state == OBS_THREAD_RUNNABLE)
				s->runq_ns += now - s->wakeup_ns;
		}
		s->state = OBS_THREAD_RUNNING;
		s->switches++;
	}
	return 0;
}

static __always_inline void on_wakeup(const struct task_struct *p)
{
	struct obs_thread_stats *s = slot_of(p);

	if (s && s->state == OBS_THREAD_SLEEPING) {
		s->state = OBS_THREAD_RUNNABLE;
		s->wakeup_ns = bpf_ktime_get_ns();
	}
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(obs_sched_wakeup, struct task_struct *p)
{
	on_wakeup(p);
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(obs_sched_wk_new, struct task_struct *p)
{
	on_wakeup(p);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
