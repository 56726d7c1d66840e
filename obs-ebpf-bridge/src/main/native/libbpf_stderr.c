/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Debian's libbpf.a is compiled as position-independent *executable* code: it is relocatable
 * except for one PC-relative reference to glibc's `stderr` (in libbpf's default print
 * function), which a shared object cannot resolve against libc. This hidden definition
 * satisfies that reference inside libobs_ebpf.so and is pointed at glibc's stderr when the
 * library loads. obs_ebpf.c installs its own print callback, so libbpf does not print through
 * it in practice. Harmless with a PIC libbpf.a, whose GOT reference binds here as well.
 *
 * No <stdio.h>: it declares stderr with default visibility.
 */
#include <dlfcn.h>

__attribute__((visibility("hidden"))) void *stderr;

__attribute__((constructor)) static void obs_bind_stderr(void)
{
	void **libc_stderr = dlsym(RTLD_DEFAULT, "stderr");

	if (libc_stderr)
		stderr = *libc_stderr;
}
