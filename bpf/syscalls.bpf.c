/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * Syscall latency and errors for a chosen set of syscalls, from the raw_syscalls tracepoints.
 *
 * Every traced call lands in a per-CPU log2 histogram keyed by (syscall, errno). Failures
 * (except EAGAIN/EINPROGRESS, which non-blocking I/O returns all the time) and calls slower
 * than slow_ns also go to the ring buffer as struct obs_syscall_event, with the path of
 * open/exec calls and the peer address of connect/accept.
 */
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wpadded"
#include "vmlinux.h"
#pragma clang diagnostic pop
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "obs_bpf.h"
#include "obs_ctx.h"

/*
 * The only architecture-specific part of the programs: syscall numbers and where the syscall
 * number and arguments sit in struct pt_regs. Built once per architecture (make -C bpf builds
 * prebuilt/arm64/syscalls.bpf.o too); everything else is CO-RE and shared.
 */
#if defined(__TARGET_ARCH_x86)
#define NR_open 2
#define NR_connect 42
#define NR_accept 43
#define NR_execve 59
#define NR_accept4 288
#define NR_openat 257
#define NR_execveat 322
#define NR_openat2 437
#define REGS_ARG0(r) ((r)->di)
#define REGS_ARG1(r) ((r)->si)
#define REGS_ARG2(r) ((r)->dx)
#define REGS_SYSCALL_NR(r) ((r)->orig_ax)
#elif defined(__TARGET_ARCH_arm64)
/* asm-generic/unistd.h: arm64 has no open(2), only openat. */
#define NR_connect 203
#define NR_accept 202
#define NR_execve 221
#define NR_accept4 242
#define NR_openat 56
#define NR_execveat 281
#define NR_openat2 437
/*
 * arm64's struct pt_regs, as far as it is read here. vmlinux.h is x86's; CO-RE matches this
 * type to the running kernel's struct pt_regs by name (libbpf ignores the ___obs_arm64 suffix) and
 * relocates the offsets, so no arm64 vmlinux.h is needed.
 */
struct pt_regs___obs_arm64 {
	__u64 regs[31];
	__u64 sp;
	__u64 pc;
	__u64 pstate;
	__u64 orig_x0;
	__s32 syscallno;
	__u32 unread; /* only for -Wpadded: never read, so CO-RE never looks for it */
} __attribute__((preserve_access_index));
#define ARM64_REGS(r) ((struct pt_regs___obs_arm64 *)(r))
#define REGS_ARG0(r) (ARM64_REGS(r)->regs[0])
#define REGS_ARG1(r) (ARM64_REGS(r)->regs[1])
#define REGS_ARG2(r) (ARM64_REGS(r)->regs[2])
#define REGS_SYSCALL_NR(r) (ARM64_REGS(r)->syscallno)
#else
#error "define the syscall numbers and pt_regs accessors of this architecture"
#endif

#define EAGAIN 11
#define EINPROGRESS 115

#define MASK_WORDS (OBS_SYSCALL_MAX / 64)
/* Word w of the default masks: bit nr % 64 of word nr / 64 for each default syscall. */
#define BIT_IN(nr, w) ((nr) / 64 == (w) ? 1ULL << ((nr) % 64) : 0)
#ifdef NR_open
#define OPEN_BIT(w) BIT_IN(NR_open, w)
#else
#define OPEN_BIT(w) 0
#endif
#define DEFAULT_WORD(w)                                                                     \
	(OPEN_BIT(w) | BIT_IN(NR_connect, w) | BIT_IN(NR_accept, w) |                       \
	 BIT_IN(NR_execve, w) | BIT_IN(NR_openat, w) | BIT_IN(NR_accept4, w) |              \
	 BIT_IN(NR_execveat, w) | BIT_IN(NR_openat2, w))
#define DEFAULT_MASK                                                                        \
	{ DEFAULT_WORD(0), DEFAULT_WORD(1), DEFAULT_WORD(2), DEFAULT_WORD(3),                 \
	  DEFAULT_WORD(4), DEFAULT_WORD(5), DEFAULT_WORD(6), DEFAULT_WORD(7) }

/* Syscalls measured into syscall_hist. */
const volatile __u64 syscall_mask[MASK_WORDS] = DEFAULT_MASK;
/* Syscalls that may produce ring-buffer events (user space keeps it a subset of syscall_mask). */
const volatile __u64 event_mask[MASK_WORDS] = DEFAULT_MASK;
/* Successful calls at least this slow are reported as events. */
const volatile __u64 slow_ns = 10000000;

struct call_args {
	__u64 start_ns;
	__u64 arg0; /* user pointer: path or sockaddr */
	__u64 arg1; /* connect: address length */
	__u32 nr;
	__u32 ctx_flags; /* OBS_F_TRACE_CTX when ctx_hex holds the thread's context at entry */
};

struct inflight {
	struct call_args a; /* copied to the stack at exit */
	char ctx_hex[OBS_CTX_HEX]; /* read in place: the stack has no room for it */
};

/* Per-task storage: no hash lookup, freed with the task, and it follows a thread through
 * execve even when exec changes its tid (a non-leader thread becomes the leader). */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct inflight);
} inflight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1024);
	__type(key, struct obs_syscall_key);
	__type(value, struct obs_hist);
} syscall_hist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} obs_events SEC(".maps");

static __always_inline bool mask_has(const volatile __u64 *mask, __u32 nr)
{
	return (mask[nr / 64] >> (nr % 64)) & 1;
}

static __always_inline void read_path(struct obs_syscall_event *e, __u64 uptr)
{
	long n = bpf_probe_read_user_str(e->path, sizeof(e->path), (const void *)uptr);

	if (n > 0) {
		e->arg_kind = OBS_ARG_PATH;
		e->path_len = n - 1;
	}
}

static __always_inline void read_sockaddr(struct obs_syscall_event *e, __u64 uptr)
{
	const void *p = (const void *)uptr;
	__u16 family;

	if (!uptr || bpf_probe_read_user(&family, sizeof(family), p))
		return;
	e->arg_kind = OBS_ARG_ADDR;
	e->addr.family = family;
	if (family == AF_INET) {
		struct sockaddr_in sin;

		if (bpf_probe_read_user(&sin, sizeof(sin), p) == 0) {
			e->addr.port = bpf_ntohs(sin.sin_port);
			__builtin_memcpy(e->addr.addr, &sin.sin_addr, 4);
		}
	} else if (family == AF_INET6) {
		struct sockaddr_in6 sin6;

		if (bpf_probe_read_user(&sin6, sizeof(sin6), p) == 0) {
			e->addr.port = bpf_ntohs(sin6.sin6_port);
			e->addr.scope_id = sin6.sin6_scope_id;
			__builtin_memcpy(e->addr.addr, &sin6.sin6_addr, 16);
		}
	} else if (family == AF_UNIX) {
		long n = bpf_probe_read_user_str(e->path, 108, p + sizeof(family));

		if (n > 0)
			e->path_len = n - 1;
	}
}

SEC("tp_btf/sys_enter")
int BPF_PROG(obs_sys_enter, struct pt_regs *regs, long id)
{
	struct inflight *slot;
	struct call_args *call;

	if (id < 0 || id >= OBS_SYSCALL_MAX || !mask_has(syscall_mask, id))
		return 0;
	if (!obs_tgid_wanted(bpf_get_current_pid_tgid() >> 32))
		return 0;
	slot = bpf_task_storage_get(&inflight, bpf_get_current_task_btf(), 0,
				    BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!slot) {
		obs_count(OBS_CNT_MAP_FULL, 1);
		return 0;
	}
	call = &slot->a;
	call->nr = id;
	call->arg0 = 0;
	call->arg1 = 0;
	switch (id) {
#ifdef NR_open
	case NR_open:
#endif
	case NR_execve:
		call->arg0 = REGS_ARG0(regs);
		break;
	case NR_openat:
	case NR_openat2:
	case NR_execveat:
		call->arg0 = REGS_ARG1(regs);
		break;
	case NR_connect:
	case NR_accept:
	case NR_accept4:
		call->arg0 = REGS_ARG1(regs);
		call->arg1 = REGS_ARG2(regs);
		break;
	}
	/* The context as of entry: a blocking call stays attributed to the span that made it. */
	call->ctx_flags = obs_ctx_read((__u32)bpf_get_current_pid_tgid(), slot->ctx_hex);
	call->start_ns = bpf_ktime_get_ns();
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(obs_sys_exit, struct pt_regs *regs, long ret)
{
	struct obs_syscall_key key;
	struct obs_syscall_event *e;
	struct task_struct *task;
	struct inflight *in;
	struct call_args call;
	__u64 pid_tgid, now, dur, path_ptr;
	__u32 tgid, tid, err;
	long nr = REGS_SYSCALL_NR(regs);

	/* Every syscall exit of the host comes here: reject untraced ones before any lookup. */
	if (nr < 0 || nr >= OBS_SYSCALL_MAX || !mask_has(syscall_mask, nr))
		return 0;
	task = bpf_get_current_task_btf();
	/* Only sys_enter creates entries, after its tgid check: an entry means "ours". */
	in = bpf_task_storage_get(&inflight, task, 0, 0);
	if (!in || in->a.start_ns == 0)
		return 0;
	call = in->a;
	in->a.start_ns = 0;

	now = bpf_ktime_get_ns();
	dur = now - call.start_ns;
	err = (ret < 0 && ret >= -OBS_MAX_ERRNO) ? (__u32)-ret : 0;
	key.nr = call.nr;
	key.err = err;
	obs_hist_add(&syscall_hist, &key, dur);

	if (call.nr >= OBS_SYSCALL_MAX || !mask_has(event_mask, call.nr))
		return 0;
	if (dur < slow_ns && (err == 0 || err == EAGAIN || err == EINPROGRESS))
		return 0;
	pid_tgid = bpf_get_current_pid_tgid();
	tgid = pid_tgid >> 32;
	tid = (__u32)pid_tgid;

	e = bpf_ringbuf_reserve(&obs_events, sizeof(*e), 0);
	if (!e) {
		obs_count(OBS_CNT_RB_DROPS, 1);
		return 0;
	}
	obs_header(&e->hdr, OBS_EV_SYSCALL, call.start_ns, tgid, tid);
	if (call.ctx_flags & OBS_F_TRACE_CTX) {
		e->hdr.flags = OBS_F_TRACE_CTX;
		obs_ctx_ids(in->ctx_hex, e->hdr.trace_id, e->hdr.span_id);
	}
	e->duration_ns = dur;
	e->ret = ret;
	e->nr = call.nr;
	e->err = err;
	e->arg_kind = OBS_ARG_NONE;
	e->path_len = 0;
	__builtin_memset(&e->addr, 0, sizeof(e->addr));
	e->path[0] = 0;

	path_ptr = call.arg0;
	switch (call.nr) {
	case NR_execve:
	case NR_execveat:
		/* After a successful exec the caller's memory is gone: report argv[0] of the new image. */
		if (ret == 0)
			path_ptr = task->mm->arg_start;
		read_path(e, path_ptr);
		break;
#ifdef NR_open
	case NR_open:
#endif
	case NR_openat:
	case NR_openat2:
		read_path(e, path_ptr);
		break;
	case NR_connect:
		read_sockaddr(e, call.arg0);
		break;
	case NR_accept:
	case NR_accept4:
		if (ret >= 0)
			read_sockaddr(e, call.arg0);
		break;
	}
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
