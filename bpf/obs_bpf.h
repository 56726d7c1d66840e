/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * Helpers shared by the obs BPF programs. Included once by each *.bpf.c, after vmlinux.h and
 * the libbpf headers; it defines the settings and the counter map every object carries.
 */
#ifndef OBS_BPF_H
#define OBS_BPF_H

#include "obs_events.h"

#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10

#define OBS_MAX_ERRNO 4095

/* Set by user space before load. 0 means every process on the host. */
const volatile __u32 target_tgid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, OBS_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} obs_counters SEC(".maps");

static __always_inline void obs_count(__u32 counter, __u64 delta)
{
	__u64 *v = bpf_map_lookup_elem(&obs_counters, &counter);

	if (v)
		*v += delta;
}

static __always_inline bool obs_tgid_wanted(__u32 tgid)
{
	return target_tgid == 0 || tgid == target_tgid;
}

static __always_inline __u32 obs_log2_32(__u32 v)
{
	__u32 r, shift;

	r = (v > 0xFFFF) << 4;
	v >>= r;
	shift = (v > 0xFF) << 3;
	v >>= shift;
	r |= shift;
	shift = (v > 0xF) << 2;
	v >>= shift;
	r |= shift;
	shift = (v > 0x3) << 1;
	v >>= shift;
	r |= shift;
	r |= (v >> 1);
	return r;
}

static __always_inline __u32 obs_log2_64(__u64 v)
{
	__u32 hi = v >> 32;

	return hi ? obs_log2_32(hi) + 32 : obs_log2_32((__u32)v);
}

/* Adds v to the log2 histogram stored under key in a per-CPU hash map. */
static __always_inline void obs_hist_add(void *map, const void *key, __u64 v)
{
	struct obs_hist *h = bpf_map_lookup_elem(map, key);
	__u32 slot;

	if (!h) {
		struct obs_hist zero;

		__builtin_memset(&zero, 0, sizeof(zero));
		bpf_map_update_elem(map, key, &zero, BPF_NOEXIST);
		h = bpf_map_lookup_elem(map, key);
		if (!h) {
			obs_count(OBS_CNT_MAP_FULL, 1);
			return;
		}
	}
	slot = obs_log2_64(v);
	if (slot >= OBS_HIST_SLOTS)
		slot = OBS_HIST_SLOTS - 1;
	h->slots[slot]++;
	h->count++;
	h->sum += v;
}

static __always_inline void obs_header(struct obs_event_header *h, __u32 kind, __u64 ts_ns,
				       __u32 tgid, __u32 tid)
{
	h->kind = kind;
	h->flags = 0;
	h->ts_ns = ts_ns;
	h->tgid = tgid;
	h->tid = tid;
	__builtin_memset(h->trace_id, 0, sizeof(h->trace_id));
	__builtin_memset(h->span_id, 0, sizeof(h->span_id));
}

#endif /* OBS_BPF_H */
