/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * The trace context the JVM publishes per thread, shared by every object that stamps events.
 *
 * "obs_thread_ctx" is a BPF_F_MMAPABLE array indexed by tid & (OBS_THREAD_SLOTS - 1). The JVM
 * maps it once and writes the record of a thread whenever that thread's current OpenTelemetry
 * context changes: a few plain stores, no syscall. User space creates the map (ctx.bpf.o) and
 * the syscall and TCP objects reuse its fd, so there is one table however many objects load.
 *
 * The writer is a seqlock: seq is odd while ids are being written. A reader takes seq, reads
 * flags, copies the ids flags select, and takes seq again; a record is used only when both reads
 * are the same even value and tid is the reading thread (a slot shared by two tids is never
 * misattributed). Switching flags alone (valid or not, which set of ids) is one store and leaves
 * seq alone: ids are only ever rewritten under an odd seq, so whichever flags a reader saw, the
 * ids it copied were whole.
 */
#ifndef OBS_CTX_H
#define OBS_CTX_H

#include "obs_events.h"

#define OBS_CTX_HEX (OBS_TRACE_ID_HEX + OBS_SPAN_ID_HEX)

/*
 * Set by user space before load: the JVM's publishing generation, bumped each time publishing
 * starts again. A record written under an older generation (a thread that has not changed its
 * context since) is stale and ignored.
 */
const volatile __u32 ctx_generation = 0;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, OBS_THREAD_SLOTS);
	__type(key, __u32);
	__type(value, struct obs_thread_ctx);
} obs_thread_ctx SEC(".maps");

#define obs_barrier() asm volatile("" ::: "memory")

/*
 * The seqlock's two reads of seq, which must keep the record's loads between them. x86 does not
 * reorder loads with loads, so a volatile load and a compiler barrier are enough. arm64 may
 * satisfy loads out of order, and BPF before load-acquire (Linux 6.15, clang 21) has no read
 * barrier; a fetching atomic is fully ordered (the JIT emits ldaddal), so adding 0 both reads seq
 * and fences. It needs -mcpu=v3 (make -C bpf builds the arm64 objects with it) and Linux 5.12,
 * the bridge's minimum anyway. The add never changes the value, and being atomic it cannot undo
 * a store the JVM makes to seq at the same time.
 */
#if defined(__TARGET_ARCH_arm64)
#define obs_ctx_seq(c) __sync_fetch_and_add(&(c)->seq, 0)
#else
#define obs_ctx_seq(c) (*(volatile __u32 *)&(c)->seq)
#endif

/*
 * Opens a seqlock read of the record of thread `tid`: the record, with the sequence and flags
 * seen, or NULL when the slot is missing or being written. Copy the ids that flags select, then
 * close the read with obs_ctx_end.
 */
static __always_inline struct obs_thread_ctx *obs_ctx_begin(__u32 tid, __u32 *seq, __u32 *flags)
{
	__u32 slot = tid & (OBS_THREAD_SLOTS - 1);
	struct obs_thread_ctx *c = bpf_map_lookup_elem(&obs_thread_ctx, &slot);

	if (!c)
		return NULL;
	*seq = obs_ctx_seq(c);
	if (*seq & 1)
		return NULL;
	obs_barrier();
	*flags = *(volatile __u32 *)&c->flags;
	return c;
}

/*
 * Closes the read opened by obs_ctx_begin: OBS_F_TRACE_CTX when what was copied in between
 * belongs to a whole, valid record of `tid` in this generation, else 0.
 */
static __always_inline __u32 obs_ctx_end(struct obs_thread_ctx *c, __u32 tid, __u32 seq,
					 __u32 flags)
{
	__u32 owner = *(volatile __u32 *)&c->tid;
	__u32 gen = *(volatile __u32 *)&c->generation;

	obs_barrier();
	if (seq != obs_ctx_seq(c) || owner != tid || !(flags & OBS_CTX_VALID) ||
	    gen != ctx_generation)
		return 0;
	return OBS_F_TRACE_CTX;
}

/*
 * Copies the hex ids published for thread `tid` (trace id then span id, OBS_CTX_HEX bytes) into
 * hex. Returns OBS_F_TRACE_CTX when a whole, valid record of that thread was read, else 0.
 */
static __always_inline __u32 obs_ctx_read(__u32 tid, char *hex)
{
	__u32 seq, flags;
	struct obs_thread_ctx *c = obs_ctx_begin(tid, &seq, &flags);

	if (!c)
		return 0;
	if (flags & OBS_CTX_ALT)
		__builtin_memcpy(hex, c->trace_id_alt, OBS_CTX_HEX);
	else
		__builtin_memcpy(hex, c->trace_id, OBS_CTX_HEX);
	return obs_ctx_end(c, tid, seq, flags);
}

static __always_inline __u8 obs_nibble(char c)
{
	return (c >= 'a' ? c - 'a' + 10 : c - '0') & 0xf;
}

/* Converts the OBS_CTX_HEX hex digits read by obs_ctx_read into the W3C byte form. */
static __always_inline void obs_ctx_ids(const char *hex, __u8 *trace_id, __u8 *span_id)
{
	int i;

#pragma unroll
	for (i = 0; i < OBS_TRACE_ID_HEX / 2; i++)
		trace_id[i] = obs_nibble(hex[2 * i]) << 4 | obs_nibble(hex[2 * i + 1]);
#pragma unroll
	for (i = 0; i < OBS_SPAN_ID_HEX / 2; i++)
		span_id[i] = obs_nibble(hex[OBS_TRACE_ID_HEX + 2 * i]) << 4 |
			     obs_nibble(hex[OBS_TRACE_ID_HEX + 2 * i + 1]);
}

/*
 * Like obs_ctx_read followed by obs_ctx_ids, converting straight from the shared record (no
 * 48-byte stack copy; the TCP state program is close to the stack limit). The ids are only
 * meaningful when OBS_F_TRACE_CTX is returned.
 */
static __always_inline __u32 obs_ctx_read_ids(__u32 tid, __u8 *trace_id, __u8 *span_id)
{
	__u32 seq, flags;
	struct obs_thread_ctx *c = obs_ctx_begin(tid, &seq, &flags);

	if (!c)
		return 0;
	obs_ctx_ids(flags & OBS_CTX_ALT ? c->trace_id_alt : c->trace_id, trace_id, span_id);
	return obs_ctx_end(c, tid, seq, flags);
}

#endif /* OBS_CTX_H */
