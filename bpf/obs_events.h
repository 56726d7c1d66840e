/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * Records shared between the obs BPF programs and user space.
 *
 * Every struct here is mirrored by one Java decoder in io.obs.ebpf.internal, and
 * LayoutConsistencyTest fails when the two drift apart. Rules that keep that cheap:
 *  - fixed-width types only, little-endian (x86_64 and aarch64), naturally aligned;
 *  - no implicit padding: the header and the programs compile with -Wpadded -Werror,
 *    so any gap must be an explicit `reserved` field;
 *  - append fields at the end or replace a `reserved` field; bump OBS_ABI_VERSION when an
 *    existing offset changes.
 *
 * The includer provides __u8/__u16/__u32/__u64/__s64 (vmlinux.h in BPF, <linux/types.h>
 * in user space).
 */
#ifndef OBS_EVENTS_H
#define OBS_EVENTS_H

#define OBS_ABI_VERSION 1

/* Upper bound of user-space strings copied into events (openat/execve path, AF_UNIX peer). */
#define OBS_PATH_MAX 256
/* log2 buckets: slot i counts values v with floor(log2(v)) == i (slot 0 also holds v == 0);
 * the last slot also holds everything larger. 40 slots reach 2^40 ns, about 18 minutes. */
#define OBS_HIST_SLOTS 40
/* Threads tracked by the sched program: a thread's slot is tid & (OBS_THREAD_SLOTS - 1). */
#define OBS_THREAD_SLOTS 16384
/* Syscall numbers covered by the syscall bitmasks (x86_64 and arm64 numbers stay below 512). */
#define OBS_SYSCALL_MAX 512

/* First field of every ring-buffer record. */
enum obs_event_kind {
	OBS_EV_SYSCALL = 1,        /* struct obs_syscall_event */
	OBS_EV_TCP_CONNECT = 2,    /* struct obs_tcp_event: active open finished (ok or failed) */
	OBS_EV_TCP_ACCEPT = 3,     /* struct obs_tcp_event: passive open established */
	OBS_EV_TCP_CLOSE = 4,      /* struct obs_tcp_event: tracked socket reached TCP_CLOSE */
	OBS_EV_TCP_RETRANSMIT = 5, /* struct obs_tcp_event: a segment of a tracked socket was resent */
};

/* obs_event_header.flags */
#define OBS_F_TRACE_CTX 0x1u /* trace_id/span_id hold the context current on the thread */

/* obs_syscall_event.arg_kind */
enum obs_arg_kind {
	OBS_ARG_NONE = 0,
	OBS_ARG_PATH = 1, /* path[] holds a file name (open, openat, openat2, execve, execveat) */
	OBS_ARG_ADDR = 2, /* addr holds a socket address; AF_UNIX also fills path[] */
};

/* Indexes of the per-CPU u64 array "obs_counters" present in every object. */
enum obs_counter {
	OBS_CNT_RB_DROPS = 0,       /* bpf_ringbuf_reserve failed: event lost */
	OBS_CNT_MAP_FULL = 1,       /* a histogram or tracking map had no room for a new key */
	OBS_CNT_TCP_RETRANS = 2,    /* segments retransmitted on tracked sockets */
	OBS_CNT_TCP_BYTES_SENT = 3, /* bytes acked by the peer, added when a tracked socket closes */
	OBS_CNT_TCP_BYTES_RECV = 4, /* bytes received, added when a tracked socket closes */
	OBS_CNT_SLOT_TAKEOVER = 5,  /* sched: a thread slot was taken over by another tid */
	OBS_CNT_MAX = 8,
};

/* Thread states kept in obs_thread_stats.state. */
enum obs_thread_state {
	OBS_THREAD_RUNNING = 0,
	OBS_THREAD_SLEEPING = 1, /* switched out while blocked */
	OBS_THREAD_RUNNABLE = 2, /* woken up or preempted, waiting for a CPU */
};

struct obs_event_header {
	__u32 kind;  /* enum obs_event_kind */
	__u32 flags; /* OBS_F_* */
	__u64 ts_ns; /* bpf_ktime_get_ns() (CLOCK_MONOTONIC) when the measured work began */
	__u32 tgid;  /* process the event belongs to (socket owner for softirq-side TCP events) */
	__u32 tid;   /* thread that started the work */
	/* Filled only when OBS_F_TRACE_CTX is set (W3C trace context, network byte order). */
	__u8 trace_id[16];
	__u8 span_id[8];
};

struct obs_addr {
	__u16 family;   /* AF_INET (2), AF_INET6 (10), AF_UNIX (1) or 0 when unknown */
	__u16 port;     /* host byte order */
	__u32 scope_id; /* IPv6 scope id */
	__u8 addr[16];  /* network byte order; IPv4 uses the first 4 bytes */
};

struct obs_syscall_event {
	struct obs_event_header hdr;
	__u64 duration_ns; /* sys_enter to sys_exit */
	__s64 ret;         /* raw return value */
	__u32 nr;          /* syscall number (of the architecture) */
	__u32 err;         /* errno when ret is in [-4095, -1], else 0 */
	__u32 arg_kind;    /* enum obs_arg_kind */
	__u32 path_len;    /* bytes of path[] before the terminating NUL */
	struct obs_addr addr;
	char path[OBS_PATH_MAX];
};

struct obs_tcp_event {
	struct obs_event_header hdr;
	__u64 sock_cookie;    /* bpf_get_socket_cookie(): stable id of the socket */
	__u64 duration_ns;    /* CONNECT/ACCEPT: handshake time; CLOSE: time since established */
	__u64 bytes_sent;     /* tcp_sock.bytes_acked at the time of the event */
	__u64 bytes_received; /* tcp_sock.bytes_received */
	__u32 srtt_us;        /* smoothed RTT in microseconds */
	__u32 total_retrans;  /* tcp_sock.total_retrans */
	__u32 err;            /* CONNECT: 0, or the errno that failed the handshake */
	__u16 oldstate;       /* TCP_* states, as in the kernel's enum */
	__u16 newstate;
	struct obs_addr saddr;
	struct obs_addr daddr;
};

/* Value of every histogram map (per-CPU: user space sums the CPUs). */
struct obs_hist {
	__u64 count;
	__u64 sum; /* nanoseconds */
	__u64 slots[OBS_HIST_SLOTS];
};

/* Key of "syscall_hist". */
struct obs_syscall_key {
	__u32 nr;
	__u32 err; /* 0 on success */
};

/* Key of "connect_hist": one histogram per peer and outcome. */
struct obs_peer_key {
	struct obs_addr peer;
	__u32 result; /* 0 when established, else the errno */
	__u32 reserved;
};

/*
 * Value of the BPF_F_MMAPABLE array "obs_threads", indexed by tid & (OBS_THREAD_SLOTS - 1).
 * User space maps the array and reads the slot of a thread after checking tid; aligned u64
 * loads are single-copy atomic on x86_64 and aarch64, so a reader never sees a torn counter.
 */
struct obs_thread_stats {
	__u32 tid;           /* owner of the slot, 0 when never used */
	__u32 state;         /* enum obs_thread_state */
	__u64 off_cpu_ns;    /* time switched out (blocked and runnable), since the slot was claimed */
	__u64 runq_ns;       /* part of off_cpu_ns spent runnable, waiting for a CPU */
	__u64 switch_out_ns; /* when the thread last left the CPU */
	__u64 wakeup_ns;     /* when the thread last became runnable */
	__u64 switches;      /* times the thread was switched in */
};

/* obs_thread_ctx.flags */
#define OBS_CTX_VALID 0x1u   /* the selected ids hold a sampled span current on the thread */
#define OBS_CTX_ALT 0x2u     /* the selected ids are trace_id_alt/span_id_alt, else trace_id/span_id */
/* Hex digits of the ids in obs_thread_ctx. */
#define OBS_TRACE_ID_HEX 32
#define OBS_SPAN_ID_HEX 16

/*
 * Value of the BPF_F_MMAPABLE array "obs_thread_ctx" (obs_ctx.h), indexed by
 * tid & (OBS_THREAD_SLOTS - 1), written by the JVM, read by the programs; 128 bytes, two cache
 * lines. seq is odd while the JVM writes ids into the record. The ids are the lowercase hex
 * strings OpenTelemetry keeps (SpanContext.getTraceId()/getSpanId()), copied as ASCII: parsing
 * them in Java would cost more than the rest of a publication, while the kernel converts them only
 * for the few events it emits.
 *
 * Two sets of ids, flags selecting one: a child span's ids go into the set its parent does not
 * use, so closing the child restores the parent with one store of flags, without copying ids.
 */
struct obs_thread_ctx {
	__u32 seq;
	__u32 tid;   /* thread the record belongs to, 0 when unused */
	__u32 flags; /* OBS_CTX_* */
	__u32 generation; /* publishing generation of the writer; records of older ones are ignored */
	char trace_id[OBS_TRACE_ID_HEX];
	char span_id[OBS_SPAN_ID_HEX];
	char trace_id_alt[OBS_TRACE_ID_HEX];
	char span_id_alt[OBS_SPAN_ID_HEX];
	__u8 reserved[16];
};

#endif /* OBS_EVENTS_H */
