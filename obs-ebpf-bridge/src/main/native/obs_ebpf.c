/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libobs_ebpf: the JNI side of io.obs.ebpf.internal.NativeBpf, over a statically linked libbpf.
 *
 * A handle owns one bpf_object and everything hanging off it. Java serialises calls per handle,
 * so nothing here locks. The ring buffer is consumed by hand instead of through libbpf's
 * ring_buffer__poll(): libbpf's callback cannot stop before a record without consuming it, and
 * we must stop when the caller's buffer is full, so records move into the Java buffer in batches
 * with one JNI call and no upcall per record.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <jni.h>

#include "io_obs_ebpf_internal_NativeBpf.h"

#define NAME_MAX_LEN 128
#define LOG_CAP 4096
#define MAX_MMAPS 8

struct ring {
	int fd;
	void *consumer;      /* one page: consumer position, written by us */
	void *producer;      /* producer position page followed by the data pages, mapped twice */
	size_t producer_len;
	uint8_t *data;
	uint64_t mask;
};

struct mapping {
	void *addr;
	size_t len;
};

struct handle {
	struct bpf_object *obj;
	void *elf;           /* libbpf reads the ELF in place until load */
	struct bpf_link **links;
	size_t nprogs;
	struct ring ring;
	struct mapping mmaps[MAX_MMAPS];
	size_t nmmaps;
};

static jclass bpf_exception_class;
static jmethodID bpf_exception_ctor;

/* libbpf's warnings for the current thread's last operation, quoted in exceptions. */
static __thread char log_buf[LOG_CAP];
static __thread size_t log_len;

static int on_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	char line[1024];
	int n;
	size_t len;

	if (level == LIBBPF_DEBUG)
		return 0;
	n = vsnprintf(line, sizeof(line), fmt, args);
	if (n <= 0)
		return 0;
	len = strnlen(line, sizeof(line));
	if (len >= LOG_CAP)
		len = LOG_CAP - 1;
	/* Keep the tail: the verifier's verdict comes last. */
	if (log_len + len >= LOG_CAP) {
		size_t drop = log_len + len - (LOG_CAP - 1);

		memmove(log_buf, log_buf + drop, log_len - drop);
		log_len -= drop;
	}
	memcpy(log_buf + log_len, line, len);
	log_len += len;
	log_buf[log_len] = '\0';
	return 0;
}

static void log_reset(void)
{
	log_len = 0;
	log_buf[0] = '\0';
}

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved)
{
	JNIEnv *env;
	jclass cls;

	(void)reserved;
	if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK)
		return JNI_ERR;
	cls = (*env)->FindClass(env, "io/obs/ebpf/internal/BpfException");
	if (!cls)
		return JNI_ERR;
	bpf_exception_ctor = (*env)->GetMethodID(env, cls, "<init>", "(Ljava/lang/String;I)V");
	if (!bpf_exception_ctor)
		return JNI_ERR;
	bpf_exception_class = (*env)->NewGlobalRef(env, cls);
	(*env)->DeleteLocalRef(env, cls);
	if (!bpf_exception_class)
		return JNI_ERR;
	libbpf_set_print(on_libbpf_print);
	return JNI_VERSION_1_8;
}

JNIEXPORT void JNICALL JNI_OnUnload(JavaVM *vm, void *reserved)
{
	JNIEnv *env;

	(void)reserved;
	libbpf_set_print(NULL);
	if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) == JNI_OK && bpf_exception_class)
		(*env)->DeleteGlobalRef(env, bpf_exception_class);
}

/* Throws BpfException("<what>: <strerror> (errno N)[\n<libbpf log>]"); err is a positive errno. */
static void throw_bpf(JNIEnv *env, int err, const char *fmt, ...)
{
	char what[512], msg[LOG_CAP + 700];
	jstring jmsg;
	jobject ex;
	va_list args;

	if ((*env)->ExceptionCheck(env))
		return;
	va_start(args, fmt);
	vsnprintf(what, sizeof(what), fmt, args);
	va_end(args);
	if (err > 0)
		snprintf(msg, sizeof(msg), "%s: %s (errno %d)%s%s", what, strerror(err), err,
			 log_len ? "\nlibbpf: " : "", log_buf);
	else
		snprintf(msg, sizeof(msg), "%s%s%s", what, log_len ? "\nlibbpf: " : "", log_buf);
	jmsg = (*env)->NewStringUTF(env, msg);
	if (!jmsg)
		return;
	ex = (*env)->NewObject(env, bpf_exception_class, bpf_exception_ctor, jmsg, (jint)err);
	(*env)->DeleteLocalRef(env, jmsg);
	if (ex) {
		(*env)->Throw(env, ex);
		(*env)->DeleteLocalRef(env, ex);
	}
}

static struct handle *H(jlong h)
{
	return (struct handle *)(intptr_t)h;
}

/* Copies a Java string into buf; false (with an exception pending) when it does not fit. */
static bool jname(JNIEnv *env, jstring s, char *buf, size_t cap)
{
	jsize chars, bytes;

	if (!s) {
		throw_bpf(env, EINVAL, "name is null");
		return false;
	}
	chars = (*env)->GetStringLength(env, s);
	bytes = (*env)->GetStringUTFLength(env, s);
	if ((size_t)bytes >= cap) {
		throw_bpf(env, ENAMETOOLONG, "name longer than %zu bytes", cap - 1);
		return false;
	}
	(*env)->GetStringUTFRegion(env, s, 0, chars, buf);
	buf[bytes] = '\0';
	return !(*env)->ExceptionCheck(env);
}

static struct bpf_map *find_map(JNIEnv *env, struct handle *h, jstring jmap)
{
	char name[NAME_MAX_LEN];
	struct bpf_map *map;

	log_reset();
	if (!jname(env, jmap, name, sizeof(name)))
		return NULL;
	map = bpf_object__find_map_by_name(h->obj, name);
	if (!map)
		throw_bpf(env, ENOENT, "map %s not in object %s", name, bpf_object__name(h->obj));
	return map;
}

static struct bpf_program *find_prog(JNIEnv *env, struct handle *h, jstring jprog, size_t *index)
{
	char name[NAME_MAX_LEN];
	struct bpf_program *p;
	size_t i = 0;

	log_reset();
	if (!jname(env, jprog, name, sizeof(name)))
		return NULL;
	bpf_object__for_each_program(p, h->obj) {
		if (strcmp(bpf_program__name(p), name) == 0) {
			if (index)
				*index = i;
			return p;
		}
		i++;
	}
	throw_bpf(env, ENOENT, "program %s not in object %s", name, bpf_object__name(h->obj));
	return NULL;
}

static bool is_percpu(enum bpf_map_type type)
{
	return type == BPF_MAP_TYPE_PERCPU_ARRAY || type == BPF_MAP_TYPE_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

/* Bytes user space exchanges for one value of the map. */
static size_t value_bytes(struct bpf_map *map)
{
	size_t v = bpf_map__value_size(map);

	if (is_percpu(bpf_map__type(map)))
		return ((v + 7) & ~(size_t)7) * (size_t)libbpf_num_possible_cpus();
	return v;
}

/* Copies a Java byte[] of exactly `want` bytes into a fresh malloc'd buffer. */
static void *jbytes(JNIEnv *env, jbyteArray arr, size_t want, const char *what)
{
	jsize len;
	void *buf;

	if (!arr) {
		throw_bpf(env, EINVAL, "%s is null", what);
		return NULL;
	}
	len = (*env)->GetArrayLength(env, arr);
	if ((size_t)len != want) {
		throw_bpf(env, EINVAL, "%s has %d bytes, the map wants %zu", what, (int)len, want);
		return NULL;
	}
	buf = malloc(want ? want : 1);
	if (!buf) {
		throw_bpf(env, ENOMEM, "allocating %zu bytes", want);
		return NULL;
	}
	(*env)->GetByteArrayRegion(env, arr, 0, len, buf);
	if ((*env)->ExceptionCheck(env)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/*
 * Bumped together with NativeBpf.INTERFACE_VERSION whenever a native method changes its meaning:
 * a library from java.library.path built from other sources is then refused with a clear message
 * instead of misbehaving. A changed signature already fails at link time.
 */
#define OBS_EBPF_INTERFACE_VERSION 2

JNIEXPORT jint JNICALL Java_io_obs_ebpf_internal_NativeBpf_interfaceVersion(JNIEnv *env, jclass c)
{
	(void)env;
	(void)c;
	return OBS_EBPF_INTERFACE_VERSION;
}

JNIEXPORT jstring JNICALL Java_io_obs_ebpf_internal_NativeBpf_libbpfVersion(JNIEnv *env, jclass c)
{
	char v[32];

	(void)c;
	snprintf(v, sizeof(v), "%u.%u", libbpf_major_version(), libbpf_minor_version());
	return (*env)->NewStringUTF(env, v);
}

JNIEXPORT jint JNICALL Java_io_obs_ebpf_internal_NativeBpf_gettid(JNIEnv *env, jclass c)
{
	(void)env;
	(void)c;
	return (jint)syscall(SYS_gettid);
}

JNIEXPORT jint JNICALL Java_io_obs_ebpf_internal_NativeBpf_possibleCpus(JNIEnv *env, jclass c)
{
	int n = libbpf_num_possible_cpus();

	(void)c;
	if (n <= 0)
		throw_bpf(env, -n, "reading /sys/devices/system/cpu/possible");
	return n;
}

JNIEXPORT jlong JNICALL Java_io_obs_ebpf_internal_NativeBpf_open(JNIEnv *env, jclass c,
								 jbyteArray elf, jstring jname_)
{
	char name[NAME_MAX_LEN];
	struct handle *h;
	jsize len;
	int err;

	(void)c;
	log_reset();
	if (!jname(env, jname_, name, sizeof(name)))
		return 0;
	if (!elf) {
		throw_bpf(env, EINVAL, "object bytes are null");
		return 0;
	}
	len = (*env)->GetArrayLength(env, elf);
	h = calloc(1, sizeof(*h));
	if (!h || !(h->elf = malloc(len ? len : 1))) {
		free(h);
		throw_bpf(env, ENOMEM, "allocating %d bytes for %s", (int)len, name);
		return 0;
	}
	(*env)->GetByteArrayRegion(env, elf, 0, len, h->elf);
	if ((*env)->ExceptionCheck(env))
		goto fail;
	h->ring.fd = -1;
	{
		LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = name);

		h->obj = bpf_object__open_mem(h->elf, (size_t)len, &opts);
	}
	if (!h->obj) {
		err = errno;
		throw_bpf(env, err, "opening BPF object %s", name);
		goto fail;
	}
	{
		struct bpf_program *p;

		bpf_object__for_each_program(p, h->obj)
			h->nprogs++;
	}
	h->links = calloc(h->nprogs ? h->nprogs : 1, sizeof(*h->links));
	if (!h->links) {
		bpf_object__close(h->obj);
		throw_bpf(env, ENOMEM, "allocating links");
		goto fail;
	}
	return (jlong)(intptr_t)h;
fail:
	free(h->elf);
	free(h);
	return 0;
}

JNIEXPORT void JNICALL Java_io_obs_ebpf_internal_NativeBpf_setRodata(JNIEnv *env, jclass c,
								     jlong jh, jstring jvar,
								     jbyteArray jvalue)
{
	struct handle *h = H(jh);
	char var[NAME_MAX_LEN];
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	struct bpf_map *rodata;
	const void *initial;
	struct btf *btf;
	size_t size;
	void *copy;
	__s32 sec_id;
	int i, n;

	(void)c;
	log_reset();
	if (!jname(env, jvar, var, sizeof(var)))
		return;
	rodata = bpf_object__find_map_by_name(h->obj, ".rodata");
	btf = bpf_object__btf(h->obj);
	if (!rodata || !btf) {
		throw_bpf(env, ENOENT, "object %s has no .rodata with BTF", bpf_object__name(h->obj));
		return;
	}
	sec_id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
	if (sec_id < 0) {
		throw_bpf(env, ENOENT, "object %s has no .rodata BTF section", bpf_object__name(h->obj));
		return;
	}
	sec = btf__type_by_id(btf, sec_id);
	vs = btf_var_secinfos(sec);
	n = btf_vlen(sec);
	for (i = 0; i < n; i++, vs++) {
		const struct btf_type *t = btf__type_by_id(btf, vs->type);

		if (strcmp(btf__name_by_offset(btf, t->name_off), var) != 0)
			continue;
		if (!jvalue || (size_t)(*env)->GetArrayLength(env, jvalue) != vs->size) {
			throw_bpf(env, EINVAL, "%s is %u bytes", var, vs->size);
			return;
		}
		initial = bpf_map__initial_value(rodata, &size);
		if (!initial || vs->offset + vs->size > size) {
			throw_bpf(env, EINVAL, ".rodata is smaller than %s needs", var);
			return;
		}
		copy = malloc(size);
		if (!copy) {
			throw_bpf(env, ENOMEM, "copying .rodata");
			return;
		}
		memcpy(copy, initial, size);
		(*env)->GetByteArrayRegion(env, jvalue, 0, vs->size, (jbyte *)copy + vs->offset);
		if (!(*env)->ExceptionCheck(env)) {
			int err = bpf_map__set_initial_value(rodata, copy, size);

			if (err)
				throw_bpf(env, -err, "setting %s (after load?)", var);
		}
		free(copy);
		return;
	}
	throw_bpf(env, ENOENT, "no const volatile %s in object %s", var, bpf_object__name(h->obj));
}

JNIEXPORT void JNICALL Java_io_obs_ebpf_internal_NativeBpf_setMaxEntries(JNIEnv *env, jclass c,
									 jlong jh, jstring jmap,
									 jint max)
{
	struct bpf_map *map = find_map(env, H(jh), jmap);
	int err;

	(void)c;
	if (!map)
		return;
	err = bpf_map__set_max_entries(map, (__u32)max);
	if (err)
		throw_bpf(env, -err, "setting max_entries of %s to %d", bpf_map__name(map), (int)max);
}

JNIEXPORT void JNICALL Java_io_obs_ebpf_internal_NativeBpf_setAutoload(JNIEnv *env, jclass c,
								       jlong jh, jstring jprog,
								       jboolean autoload)
{
	struct bpf_program *p = find_prog(env, H(jh), jprog, NULL);
	int err;

	(void)c;
	if (!p)
		return;
	err = bpf_program__set_autoload(p, autoload == JNI_TRUE);
	if (err)
		throw_bpf(env, -err, "setting autoload of %s", bpf_program__name(p));
}

JNIEXPORT void JNICALL Java_io_obs_ebpf_internal_NativeBpf_reuseMap(JNIEnv *env, jclass c,
								    jlong jh, jstring jmap, jint fd)
{
	struct bpf_map *map = find_map(env, H(jh), jmap);
	int err;

	(void)c;
	if (!map)
		return;
	log_reset();
	err = bpf_map__reuse_fd(map, fd);
	if (err)
		throw_bpf(env, -err, "reusing fd %d for map %s", (int)fd, bpf_map__name(map));
}

JNIEXPORT void JNICALL Java_io_obs_ebpf_internal_NativeBpf_load(JNIEnv *env, jclass c, jlong jh)
{
	struct handle *h = H(jh);
	int err;

	(void)c;
	log_reset();
	err = bpf_object__load(h->obj);
	if (err)
		throw_bpf(env, -err, "loading BPF object %s", bpf_object__name(h->obj));
}

JNIEXPORT jobjectArray JNICALL Java_io_obs_ebpf_internal_NativeBpf_programNames(JNIEnv *env,
										 jclass c,
										 jlong jh)
{
	struct handle *h = H(jh);
	struct bpf_program *p;
	jobjectArray out;
	jclass string_class;
	jsize i = 0;

	(void)c;
	string_class = (*env)->FindClass(env, "java/lang/String");
	if (!string_class)
		return NULL;
	out = (*env)->NewObjectArray(env, (jsize)h->nprogs, string_class, NULL);
	(*env)->DeleteLocalRef(env, string_class);
	if (!out)
		return NULL;
	bpf_object__for_each_program(p, h->obj) {
		jstring s = (*env)->NewStringUTF(env, bpf_program__name(p));

		if (!s)
			return NULL;
		(*env)->SetObjectArrayElement(env, out, i++, s);
		(*env)->DeleteLocalRef(env, s);
		if ((*env)->ExceptionCheck(env))
			return NULL;
	}
	return out;
}

JNIEXPORT void JNICALL Java_io_obs_ebpf_internal_NativeBpf_attach(JNIEnv *env, jclass c, jlong jh,
								  jstring jprog)
{
	struct handle *h = H(jh);
	struct bpf_program *p;
	struct bpf_link *link;
	size_t idx;

	(void)c;
	log_reset();
	p = find_prog(env, h, jprog, &idx);
	if (!p)
		return;
	if (h->links[idx])
		return;
	if (bpf_program__fd(p) < 0) {
		throw_bpf(env, ENOENT, "program %s is not loaded", bpf_program__name(p));
		return;
	}
	link = bpf_program__attach(p);
	if (!link) {
		throw_bpf(env, errno, "attaching %s (%s)", bpf_program__name(p),
			  bpf_program__section_name(p));
		return;
	}
	h->links[idx] = link;
}

JNIEXPORT jint JNICALL Java_io_obs_ebpf_internal_NativeBpf_testRun(JNIEnv *env, jclass c, jlong jh,
								   jstring jprog)
{
	struct bpf_program *p;
	int fd, err;

	(void)c;
	p = find_prog(env, H(jh), jprog, NULL);
	if (!p)
		return 0;
	fd = bpf_program__fd(p);
	if (fd < 0) {
		throw_bpf(env, ENOENT, "program %s is not loaded", bpf_program__name(p));
		return 0;
	}
	{
		LIBBPF_OPTS(bpf_test_run_opts, opts);

		err = bpf_prog_test_run_opts(fd, &opts);
		if (err) {
			throw_bpf(env, -err, "test-running %s", bpf_program__name(p));
			return 0;
		}
		return (jint)opts.retval;
	}
}

static bool prog_info(JNIEnv *env, struct handle *h, jstring jprog, struct bpf_prog_info *info)
{
	struct bpf_program *p = find_prog(env, h, jprog, NULL);
	__u32 len = sizeof(*info);
	int fd;

	if (!p)
		return false;
	fd = bpf_program__fd(p);
	if (fd < 0) {
		throw_bpf(env, ENOENT, "program %s is not loaded", bpf_program__name(p));
		return false;
	}
	memset(info, 0, sizeof(*info));
	if (bpf_obj_get_info_by_fd(fd, info, &len)) {
		throw_bpf(env, errno, "reading info of %s", bpf_program__name(p));
		return false;
	}
	return true;
}

JNIEXPORT jint JNICALL Java_io_obs_ebpf_internal_NativeBpf_programId(JNIEnv *env, jclass c,
								     jlong jh, jstring jprog)
{
	struct bpf_prog_info info;

	(void)c;
	return prog_info(env, H(jh), jprog, &info) ? (jint)info.id : 0;
}

JNIEXPORT jlongArray JNICALL Java_io_obs_ebpf_internal_NativeBpf_programStats(JNIEnv *env,
									      jclass c, jlong jh,
									      jstring jprog)
{
	struct bpf_prog_info info;
	jlongArray out;
	jlong v[2];

	(void)c;
	if (!prog_info(env, H(jh), jprog, &info))
		return NULL;
	v[0] = (jlong)info.run_time_ns;
	v[1] = (jlong)info.run_cnt;
	out = (*env)->NewLongArray(env, 2);
	if (out)
		(*env)->SetLongArrayRegion(env, out, 0, 2, v);
	return out;
}

JNIEXPORT jboolean JNICALL Java_io_obs_ebpf_internal_NativeBpf_programExists(JNIEnv *env,
									     jclass c, jint id)
{
	int fd;

	(void)c;
	fd = bpf_prog_get_fd_by_id((__u32)id);
	if (fd >= 0) {
		close(fd);
		return JNI_TRUE;
	}
	if (errno == ENOENT)
		return JNI_FALSE;
	throw_bpf(env, errno, "looking up program id %d", (int)id);
	return JNI_FALSE;
}

JNIEXPORT jint JNICALL Java_io_obs_ebpf_internal_NativeBpf_mapFd(JNIEnv *env, jclass c, jlong jh,
								 jstring jmap)
{
	struct bpf_map *map = find_map(env, H(jh), jmap);
	int fd;

	(void)c;
	if (!map)
		return -1;
	fd = bpf_map__fd(map);
	if (fd < 0)
		throw_bpf(env, ENOENT, "map %s is not created (object not loaded?)", bpf_map__name(map));
	return fd;
}

JNIEXPORT jintArray JNICALL Java_io_obs_ebpf_internal_NativeBpf_mapInfo(JNIEnv *env, jclass c,
									jlong jh, jstring jmap)
{
	struct bpf_map *map = find_map(env, H(jh), jmap);
	jintArray out;
	jint v[5];

	(void)c;
	if (!map)
		return NULL;
	v[0] = (jint)bpf_map__type(map);
	v[1] = (jint)bpf_map__key_size(map);
	v[2] = (jint)bpf_map__value_size(map);
	v[3] = (jint)bpf_map__max_entries(map);
	v[4] = (jint)bpf_map__map_flags(map);
	out = (*env)->NewIntArray(env, 5);
	if (out)
		(*env)->SetIntArrayRegion(env, out, 0, 5, v);
	return out;
}

/* Resolves a loaded map and its fd; false with an exception pending otherwise. */
static bool loaded_map(JNIEnv *env, struct handle *h, jstring jmap, struct bpf_map **map, int *fd)
{
	*map = find_map(env, h, jmap);
	if (!*map)
		return false;
	*fd = bpf_map__fd(*map);
	if (*fd < 0) {
		throw_bpf(env, ENOENT, "map %s is not created (object not loaded?)",
			  bpf_map__name(*map));
		return false;
	}
	return true;
}

JNIEXPORT jboolean JNICALL Java_io_obs_ebpf_internal_NativeBpf_lookup(JNIEnv *env, jclass c,
								      jlong jh, jstring jmap,
								      jbyteArray jkey,
								      jbyteArray jvalue)
{
	struct bpf_map *map;
	void *key, *value;
	size_t vsize;
	jboolean found = JNI_FALSE;
	int fd;

	(void)c;
	if (!loaded_map(env, H(jh), jmap, &map, &fd))
		return JNI_FALSE;
	key = jbytes(env, jkey, bpf_map__key_size(map), "key");
	if (!key)
		return JNI_FALSE;
	vsize = value_bytes(map);
	if (!jvalue || (size_t)(*env)->GetArrayLength(env, jvalue) != vsize) {
		throw_bpf(env, EINVAL, "value buffer of %s must have %zu bytes", bpf_map__name(map),
			  vsize);
		free(key);
		return JNI_FALSE;
	}
	value = malloc(vsize);
	if (!value) {
		throw_bpf(env, ENOMEM, "allocating %zu bytes", vsize);
	} else if (bpf_map_lookup_elem(fd, key, value) == 0) {
		(*env)->SetByteArrayRegion(env, jvalue, 0, (jsize)vsize, value);
		found = JNI_TRUE;
	} else if (errno != ENOENT) {
		throw_bpf(env, errno, "looking up a key of %s", bpf_map__name(map));
	}
	free(value);
	free(key);
	return found;
}

JNIEXPORT void JNICALL Java_io_obs_ebpf_internal_NativeBpf_update(JNIEnv *env, jclass c,
								  jlong jh, jstring jmap,
								  jbyteArray jkey, jbyteArray jvalue,
								  jlong flags)
{
	struct bpf_map *map;
	void *key, *value;
	int fd;

	(void)c;
	if (!loaded_map(env, H(jh), jmap, &map, &fd))
		return;
	key = jbytes(env, jkey, bpf_map__key_size(map), "key");
	if (!key)
		return;
	value = jbytes(env, jvalue, value_bytes(map), "value");
	if (value && bpf_map_update_elem(fd, key, value, (__u64)flags))
		throw_bpf(env, errno, "updating %s", bpf_map__name(map));
	free(value);
	free(key);
}

JNIEXPORT jboolean JNICALL Java_io_obs_ebpf_internal_NativeBpf_delete(JNIEnv *env, jclass c,
								      jlong jh, jstring jmap,
								      jbyteArray jkey)
{
	struct bpf_map *map;
	jboolean deleted = JNI_TRUE;
	void *key;
	int fd;

	(void)c;
	if (!loaded_map(env, H(jh), jmap, &map, &fd))
		return JNI_FALSE;
	key = jbytes(env, jkey, bpf_map__key_size(map), "key");
	if (!key)
		return JNI_FALSE;
	if (bpf_map_delete_elem(fd, key)) {
		deleted = JNI_FALSE;
		if (errno != ENOENT)
			throw_bpf(env, errno, "deleting from %s", bpf_map__name(map));
	}
	free(key);
	return deleted;
}

JNIEXPORT jint JNICALL Java_io_obs_ebpf_internal_NativeBpf_dump(JNIEnv *env, jclass c, jlong jh,
								jstring jmap, jbyteArray jstart,
								jobject jkeys, jobject jvalues)
{
	struct bpf_map *map;
	uint8_t *keys, *values, *cur = NULL, *next = NULL;
	size_t ksize, vsize, max, n = 0;
	jlong kcap, vcap;
	bool have_cur = false;
	int fd;

	(void)c;
	if (!loaded_map(env, H(jh), jmap, &map, &fd))
		return 0;
	ksize = bpf_map__key_size(map);
	vsize = value_bytes(map);
	keys = (*env)->GetDirectBufferAddress(env, jkeys);
	values = (*env)->GetDirectBufferAddress(env, jvalues);
	kcap = (*env)->GetDirectBufferCapacity(env, jkeys);
	vcap = (*env)->GetDirectBufferCapacity(env, jvalues);
	if (!keys || !values || kcap < 0 || vcap < 0) {
		throw_bpf(env, EINVAL, "dump needs direct buffers");
		return 0;
	}
	max = (size_t)kcap / ksize;
	if ((size_t)vcap / vsize < max)
		max = (size_t)vcap / vsize;
	if (jstart) {
		cur = jbytes(env, jstart, ksize, "start key");
		if (!cur)
			return 0;
		have_cur = true;
	} else {
		cur = malloc(ksize);
	}
	next = malloc(ksize);
	if (!cur || !next) {
		throw_bpf(env, ENOMEM, "allocating keys");
		goto out;
	}
	while (n < max) {
		if (bpf_map_get_next_key(fd, have_cur ? cur : NULL, next)) {
			if (errno != ENOENT)
				throw_bpf(env, errno, "iterating %s", bpf_map__name(map));
			break;
		}
		memcpy(cur, next, ksize);
		have_cur = true;
		if (bpf_map_lookup_elem(fd, next, values + n * vsize)) {
			if (errno == ENOENT)
				continue; /* deleted while we iterate */
			throw_bpf(env, errno, "reading %s", bpf_map__name(map));
			break;
		}
		memcpy(keys + n * ksize, next, ksize);
		n++;
	}
out:
	free(cur);
	free(next);
	return (jint)n;
}

JNIEXPORT void JNICALL Java_io_obs_ebpf_internal_NativeBpf_ringOpen(JNIEnv *env, jclass c,
								    jlong jh, jstring jmap)
{
	struct handle *h = H(jh);
	struct bpf_map *map;
	size_t page = (size_t)sysconf(_SC_PAGESIZE), size;
	int fd;

	(void)c;
	if (!loaded_map(env, h, jmap, &map, &fd))
		return;
	if (bpf_map__type(map) != BPF_MAP_TYPE_RINGBUF) {
		throw_bpf(env, EINVAL, "map %s is not a ring buffer", bpf_map__name(map));
		return;
	}
	if (h->ring.fd >= 0) {
		throw_bpf(env, EBUSY, "a ring buffer is already open on this object");
		return;
	}
	size = bpf_map__max_entries(map);
	h->ring.consumer = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (h->ring.consumer == MAP_FAILED) {
		h->ring.consumer = NULL;
		throw_bpf(env, errno, "mapping the consumer page of %s", bpf_map__name(map));
		return;
	}
	/* The data area is mapped twice in a row so a record that wraps reads contiguously. */
	h->ring.producer_len = page + 2 * size;
	h->ring.producer = mmap(NULL, h->ring.producer_len, PROT_READ, MAP_SHARED, fd, (off_t)page);
	if (h->ring.producer == MAP_FAILED) {
		int err = errno;

		munmap(h->ring.consumer, page);
		h->ring.consumer = NULL;
		h->ring.producer = NULL;
		throw_bpf(env, err, "mapping the data pages of %s", bpf_map__name(map));
		return;
	}
	h->ring.data = (uint8_t *)h->ring.producer + page;
	h->ring.mask = size - 1;
	h->ring.fd = fd;
}

JNIEXPORT jint JNICALL Java_io_obs_ebpf_internal_NativeBpf_ringDrain(JNIEnv *env, jclass c,
								     jlong jh, jobject jdst)
{
	struct ring *r = &H(jh)->ring;
	uint64_t cons, prod;
	uint8_t *dst;
	jlong cap;
	size_t out = 0;

	(void)c;
	if (r->fd < 0) {
		throw_bpf(env, EBADF, "no ring buffer open");
		return 0;
	}
	dst = (*env)->GetDirectBufferAddress(env, jdst);
	cap = (*env)->GetDirectBufferCapacity(env, jdst);
	if (!dst || cap < 0) {
		throw_bpf(env, EINVAL, "ringDrain needs a direct buffer");
		return 0;
	}
	cons = __atomic_load_n((uint64_t *)r->consumer, __ATOMIC_ACQUIRE);
	prod = __atomic_load_n((uint64_t *)r->producer, __ATOMIC_ACQUIRE);
	while (cons < prod) {
		uint32_t *hdr = (uint32_t *)(r->data + (cons & r->mask));
		uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
		uint32_t sample = len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);

		if (len & BPF_RINGBUF_BUSY_BIT)
			break; /* reserved but not committed yet */
		if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
			size_t need = 8 + (((size_t)sample + 7) & ~(size_t)7);

			if (out + need > (size_t)cap) {
				if (out == 0)
					throw_bpf(env, ENOSPC, "a %u byte record does not fit a %ld byte buffer",
						  sample, (long)cap);
				break;
			}
			memcpy(dst + out, &sample, 4);
			memset(dst + out + 4, 0, need - 4);
			memcpy(dst + out + 8, (uint8_t *)hdr + BPF_RINGBUF_HDR_SZ, sample);
			out += need;
		}
		cons += ((uint64_t)sample + BPF_RINGBUF_HDR_SZ + 7) & ~(uint64_t)7;
		if (cons >= prod)
			prod = __atomic_load_n((uint64_t *)r->producer, __ATOMIC_ACQUIRE);
	}
	__atomic_store_n((uint64_t *)r->consumer, cons, __ATOMIC_RELEASE);
	return (jint)out;
}

JNIEXPORT jlong JNICALL Java_io_obs_ebpf_internal_NativeBpf_ringPending(JNIEnv *env, jclass c,
									jlong jh)
{
	struct ring *r = &H(jh)->ring;

	(void)c;
	if (r->fd < 0) {
		throw_bpf(env, EBADF, "no ring buffer open");
		return 0;
	}
	return (jlong)(__atomic_load_n((uint64_t *)r->producer, __ATOMIC_ACQUIRE) -
		       __atomic_load_n((uint64_t *)r->consumer, __ATOMIC_ACQUIRE));
}

JNIEXPORT jobject JNICALL Java_io_obs_ebpf_internal_NativeBpf_mmapMap(JNIEnv *env, jclass c,
								      jlong jh, jstring jmap)
{
	struct handle *h = H(jh);
	size_t page = (size_t)sysconf(_SC_PAGESIZE), len;
	struct bpf_map *map;
	jobject buf;
	void *addr;
	int fd;

	(void)c;
	if (!loaded_map(env, h, jmap, &map, &fd))
		return NULL;
	if (bpf_map__type(map) != BPF_MAP_TYPE_ARRAY || !(bpf_map__map_flags(map) & BPF_F_MMAPABLE)) {
		throw_bpf(env, EINVAL, "map %s is not a BPF_F_MMAPABLE array", bpf_map__name(map));
		return NULL;
	}
	if (h->nmmaps == MAX_MMAPS) {
		throw_bpf(env, EMFILE, "more than %d mmapped maps", MAX_MMAPS);
		return NULL;
	}
	len = (((size_t)bpf_map__value_size(map) + 7) & ~(size_t)7) * bpf_map__max_entries(map);
	len = (len + page - 1) & ~(page - 1);
	addr = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (addr == MAP_FAILED) {
		throw_bpf(env, errno, "mapping %s", bpf_map__name(map));
		return NULL;
	}
	buf = (*env)->NewDirectByteBuffer(env, addr, (jlong)len);
	if (!buf) {
		munmap(addr, len);
		return NULL;
	}
	h->mmaps[h->nmmaps].addr = addr;
	h->mmaps[h->nmmaps].len = len;
	h->nmmaps++;
	return buf;
}

JNIEXPORT void JNICALL Java_io_obs_ebpf_internal_NativeBpf_close(JNIEnv *env, jclass c, jlong jh)
{
	struct handle *h = H(jh);
	size_t i, page = (size_t)sysconf(_SC_PAGESIZE);

	(void)env;
	(void)c;
	if (!h)
		return;
	for (i = 0; i < h->nprogs; i++)
		bpf_link__destroy(h->links[i]);
	if (h->ring.consumer)
		munmap(h->ring.consumer, page);
	if (h->ring.producer)
		munmap(h->ring.producer, h->ring.producer_len);
	for (i = 0; i < h->nmmaps; i++)
		munmap(h->mmaps[i].addr, h->mmaps[i].len);
	bpf_object__close(h->obj);
	free(h->links);
	free(h->elf);
	free(h);
}
