/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * TCP connection lifecycle of the target process: connect latency per peer and outcome,
 * bytes and RTT at close, retransmits and smoothed-RTT samples.
 *
 * Only the CLOSE->SYN_SENT (connect) and CLOSE->LISTEN (listen) transitions run in the
 * owning thread; the rest (ESTABLISHED, CLOSE after a reset, tcp_probe, retransmits) usually
 * run in softirq context where "current" is some other task. So ownership is decided once, in
 * the owner's context, and remembered per socket pointer in `socks`; passive sockets are
 * adopted when their listener's port is one the target process listens on.
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

#define ECONNABORTED 103

#define SOCK_ACTIVE 0x1u
#define SOCK_PASSIVE 0x2u

struct sock_info {
	__u64 start_ns; /* SYN_SENT or child creation; then the time ESTABLISHED was reached */
	__u32 tgid;     /* owner */
	__u32 tid;      /* thread that connected (0 for passive sockets) */
	__u32 flags;    /* SOCK_ACTIVE or SOCK_PASSIVE */
	__u32 ctx_flags; /* OBS_F_TRACE_CTX when the ids below were captured at connect time */
	__u8 trace_id[16];
	__u8 span_id[8];
	__u16 lport;    /* local port once established: the kernel clears it before CLOSE */
	__u16 reserved;
	__u32 reserved2;
};

struct listen_key {
	__u32 netns; /* network namespace inode number */
	__u16 port;  /* local port, host byte order */
	__u16 reserved;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64); /* struct sock * */
	__type(value, struct sock_info);
} socks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct listen_key);
	__type(value, __u32); /* owner tgid */
} listeners SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1024);
	__type(key, struct obs_peer_key);
	__type(value, struct obs_hist);
} connect_hist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct obs_hist);
} rtt_hist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} obs_events SEC(".maps");

static __always_inline bool is_tcp(const struct sock *sk)
{
	/* A bitfield before 5.6, a u16 since: the CO-RE bitfield read handles both. */
	return BPF_CORE_READ_BITFIELD(sk, sk_protocol) == IPPROTO_TCP;
}

static __always_inline void listen_key_of(const struct sock *sk, struct listen_key *k)
{
	k->netns = sk->__sk_common.skc_net.net->ns.inum;
	k->port = sk->__sk_common.skc_num;
	k->reserved = 0;
}

static __always_inline void sock_addrs(const struct sock *sk, struct obs_addr *src,
				       struct obs_addr *dst)
{
	__u16 family = sk->__sk_common.skc_family;

	__builtin_memset(src, 0, sizeof(*src));
	__builtin_memset(dst, 0, sizeof(*dst));
	src->family = family;
	dst->family = family;
	src->port = sk->__sk_common.skc_num;
	dst->port = bpf_ntohs(sk->__sk_common.skc_dport);
	if (family == AF_INET) {
		__u32 s = sk->__sk_common.skc_rcv_saddr;
		__u32 d = sk->__sk_common.skc_daddr;

		__builtin_memcpy(src->addr, &s, 4);
		__builtin_memcpy(dst->addr, &d, 4);
	} else if (family == AF_INET6) {
		const __u32 *s6 = sk->__sk_common.skc_v6_rcv_saddr.in6_u.u6_addr32;
		const __u32 *d6 = sk->__sk_common.skc_v6_daddr.in6_u.u6_addr32;
		__u32 w;
		int i;

		for (i = 0; i < 4; i++) {
			w = s6[i];
			__builtin_memcpy(src->addr + 4 * i, &w, 4);
			w = d6[i];
			__builtin_memcpy(dst->addr + 4 * i, &w, 4);
		}
	}
}

static __always_inline void emit(const struct sock *sk, const struct sock_info *info, __u32 kind,
				 __u64 ts_ns, __u64 duration_ns, __u32 err, int oldstate,
				 int newstate)
{
	struct tcp_sock *tp = bpf_skc_to_tcp_sock((void *)sk);
	struct obs_tcp_event *e;

	e = bpf_ringbuf_reserve(&obs_events, sizeof(*e), 0);
	if (!e) {
		obs_count(OBS_CNT_RB_DROPS, 1);
		return;
	}
	obs_header(&e->hdr, kind, ts_ns, info->tgid, info->tid);
	if (info->ctx_flags & OBS_F_TRACE_CTX) {
		e->hdr.flags = OBS_F_TRACE_CTX;
		__builtin_memcpy(e->hdr.trace_id, info->trace_id, sizeof(e->hdr.trace_id));
		__builtin_memcpy(e->hdr.span_id, info->span_id, sizeof(e->hdr.span_id));
	}
	e->sock_cookie = bpf_get_socket_cookie((void *)sk);
	e->duration_ns = duration_ns;
	e->bytes_sent = tp ? tp->bytes_acked : 0;
	e->bytes_received = tp ? tp->bytes_received : 0;
	e->srtt_us = tp ? tp->srtt_us >> 3 : 0;
	e->total_retrans = tp ? tp->total_retrans : 0;
	e->err = err;
	e->oldstate = oldstate;
	e->newstate = newstate;
	sock_addrs(sk, &e->saddr, &e->daddr);
	if (e->saddr.port == 0)
		e->saddr.port = info->lport;
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
}

static __always_inline void peer_hist_add(const struct sock *sk, __u32 result, __u64 duration_ns)
{
	struct obs_peer_key key;
	struct obs_addr local;

	sock_addrs(sk, &local, &key.peer);
	key.result = result;
	key.reserved = 0;
	obs_hist_add(&connect_hist, &key, duration_ns);
}

/* connect(): runs in the connecting thread. */
static __always_inline void on_syn_sent(const struct sock *sk, __u64 skp)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct sock_info info = {};

	if (!obs_tgid_wanted(pid_tgid >> 32))
		return;
	info.start_ns = bpf_ktime_get_ns();
	info.tgid = pid_tgid >> 32;
	info.tid = (__u32)pid_tgid;
	info.flags = SOCK_ACTIVE;
	/* The connecting thread's span, remembered for the softirq-side events of this socket. */
	info.ctx_flags = obs_ctx_read_ids(info.tid, info.trace_id, info.span_id);
	if (bpf_map_update_elem(&socks, &skp, &info, BPF_ANY))
		obs_count(OBS_CNT_MAP_FULL, 1);
}

/* listen(): runs in the listening thread. */
static __always_inline void on_listen(const struct sock *sk)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	struct listen_key key;

	if (!obs_tgid_wanted(tgid))
		return;
	listen_key_of(sk, &key);
	if (bpf_map_update_elem(&listeners, &key, &tgid, BPF_ANY))
		obs_count(OBS_CNT_MAP_FULL, 1);
}

/* A child socket cloned from a listener (softirq): adopt it when the listener is ours. */
static __always_inline void on_syn_recv(const struct sock *sk, __u64 skp)
{
	struct sock_info info = {};
	struct listen_key key;
	__u32 *owner;

	listen_key_of(sk, &key);
	owner = bpf_map_lookup_elem(&listeners, &key);
	if (!owner)
		return;
	info.start_ns = bpf_ktime_get_ns();
	info.tgid = *owner;
	info.flags = SOCK_PASSIVE;
	if (bpf_map_update_elem(&socks, &skp, &info, BPF_ANY))
		obs_count(OBS_CNT_MAP_FULL, 1);
}

static __always_inline void on_established(const struct sock *sk, __u64 skp, int oldstate)
{
	struct sock_info *info = bpf_map_lookup_elem(&socks, &skp);
	__u64 now, start, dur;
	__u32 kind;

	if (!info)
		return;
	if (oldstate == TCP_SYN_SENT)
		kind = OBS_EV_TCP_CONNECT;
	else if (oldstate == TCP_SYN_RECV)
		kind = OBS_EV_TCP_ACCEPT;
	else
		return;
	now = bpf_ktime_get_ns();
	start = info->start_ns;
	dur = now - start;
	info->start_ns = now;
	info->lport = sk->__sk_common.skc_num;
	if (kind == OBS_EV_TCP_CONNECT)
		peer_hist_add(sk, 0, dur);
	emit(sk, info, kind, start, dur, 0, oldstate, TCP_ESTABLISHED);
}

static __always_inline void on_close(const struct sock *sk, __u64 skp, int oldstate)
{
	struct sock_info *info;
	__u64 now, dur;
	__u32 err;

	if (oldstate == TCP_LISTEN) {
		struct listen_key key;

		listen_key_of(sk, &key);
		bpf_map_delete_elem(&listeners, &key);
		return;
	}
	info = bpf_map_lookup_elem(&socks, &skp);
	if (!info)
		return;
	now = bpf_ktime_get_ns();
	dur = now - info->start_ns;
	if (oldstate == TCP_SYN_SENT) {
		/* tcp_reset()/tcp_write_err() store sk_err before moving to CLOSE. */
		err = sk->sk_err;
		if (err == 0)
			err = ECONNABORTED;
		peer_hist_add(sk, err, dur);
		emit(sk, info, OBS_EV_TCP_CONNECT, info->start_ns, dur, err, oldstate, TCP_CLOSE);
	} else if (oldstate != TCP_SYN_RECV) {
		struct tcp_sock *tp = bpf_skc_to_tcp_sock((void *)sk);

		if (tp) {
			obs_count(OBS_CNT_TCP_BYTES_SENT, tp->bytes_acked);
			obs_count(OBS_CNT_TCP_BYTES_RECV, tp->bytes_received);
		}
		emit(sk, info, OBS_EV_TCP_CLOSE, info->start_ns, dur, 0, oldstate, TCP_CLOSE);
	}
	bpf_map_delete_elem(&socks, &skp);
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(obs_tcp_state, const struct sock *sk, const int oldstate, const int newstate)
{
	__u64 skp = (__u64)sk;

	if (!is_tcp(sk))
		return 0;
	switch (newstate) {
	case TCP_SYN_SENT:
		on_syn_sent(sk, skp);
		break;
	case TCP_LISTEN:
		on_listen(sk);
		break;
	case TCP_SYN_RECV:
		on_syn_recv(sk, skp);
		break;
	case TCP_ESTABLISHED:
		on_established(sk, skp, oldstate);
		break;
	case TCP_CLOSE:
		on_close(sk, skp, oldstate);
		break;
	}
	return 0;
}

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(obs_tcp_retrans, const struct sock *sk, const struct sk_buff *skb)
{
	__u64 skp = (__u64)sk;
	struct sock_info *info = bpf_map_lookup_elem(&socks, &skp);
	int state;

	if (!info)
		return 0;
	obs_count(OBS_CNT_TCP_RETRANS, 1);
	state = sk->__sk_common.skc_state;
	emit(sk, info, OBS_EV_TCP_RETRANSMIT, bpf_ktime_get_ns(), 0, 0, state, state);
	return 0;
}

/* Runs for every ACK received on an established socket of the host: one hash lookup. */
SEC("tp_btf/tcp_probe")
int BPF_PROG(obs_tcp_probe, struct sock *sk, const struct sk_buff *skb)
{
	__u64 skp = (__u64)sk;
	struct tcp_sock *tp;
	__u32 zero = 0, srtt_us;

	if (!bpf_map_lookup_elem(&socks, &skp))
		return 0;
	tp = bpf_skc_to_tcp_sock(sk);
	if (!tp)
		return 0;
	srtt_us = tp->srtt_us >> 3;
	if (srtt_us)
		obs_hist_add(&rtt_hist, &zero, (__u64)srtt_us * 1000);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
