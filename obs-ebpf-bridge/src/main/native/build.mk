# SPDX-License-Identifier: Apache-2.0
#
# Builds libobs_ebpf.so for one architecture inside the pinned toolchain (see Makefile and
# toolchain.sh; never run on the host directly). Every path is under /build, so the output does
# not depend on where the checkout is:
#
#   /build/src/{zlib-1.2.13.dfsg,elfutils-0.188,libbpf-1.1.2}  unpacked, checksummed sources
#   /build/native/{obs_ebpf.c,include/}                       our source, jni.h, javac's header
#   /build/work/<arch>/                                       intermediate files
#   /build/out/linux-<arch>/libobs_ebpf.so                    the result
#
# zlib, libelf and libbpf are compiled here as position-independent code (Debian's libelf.a and
# libz.a are not, so they cannot go into a shared object) and linked in with their symbols
# hidden: at run time the library needs glibc and nothing else.

ARCH ?= x86_64
ifeq ($(ARCH),x86_64)
TRIPLE := x86_64-linux-gnu
else ifeq ($(ARCH),aarch64)
TRIPLE := aarch64-linux-gnu
else
$(error ARCH must be x86_64 or aarch64, not '$(ARCH)')
endif

CC := $(TRIPLE)-gcc
AR := $(TRIPLE)-ar
SRC := /build/src
ZLIB := $(SRC)/zlib-1.2.13.dfsg
ELFUTILS := $(SRC)/elfutils-0.188
LIBBPF := $(SRC)/libbpf-1.1.2
W := /build/work/$(ARCH)
OUT := /build/out/linux-$(ARCH)

# -ffile-prefix-map keeps /build out of the objects; the final link strips the rest.
BASE_CFLAGS := -O2 -fPIC -fvisibility=hidden -fno-semantic-interposition \
	-ffile-prefix-map=/build=. -fstack-protector-strong

.PHONY: all
.DELETE_ON_ERROR:

all: $(OUT)/libobs_ebpf.so

# zlib: every library source (elfutils' configure probes for gzdirect); the link takes only
# the members libelf calls.
ZLIB_SOURCES := adler32 compress crc32 deflate gzclose gzlib gzread gzwrite infback inffast \
	inflate inftrees trees uncompr zutil
ZLIB_OBJECTS := $(patsubst %,$(W)/zlib/%.o,$(ZLIB_SOURCES))

$(W)/zlib/%.o: $(ZLIB)/%.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -DHAVE_HIDDEN -D_LARGEFILE64_SOURCE=1 -c $< -o $@

$(W)/zlib/libz.a: $(ZLIB_OBJECTS)
	rm -f $@
	$(AR) rcD $@ $^

# libelf: elfutils' own build of its position-independent archive (libelf_pic.a, the one its
# libelf.so is made from) plus the small helper library it needs (libeu.a). configure needs a
# zlib to link against: the one above.
$(W)/elfutils/config.status: $(W)/zlib/libz.a
	@mkdir -p $(@D)
	cd $(@D) && $(ELFUTILS)/configure --build=x86_64-linux-gnu --host=$(TRIPLE) \
		CC=$(CC) AR=$(AR) CFLAGS="$(BASE_CFLAGS)" CPPFLAGS="-I$(ZLIB)" LDFLAGS="-L$(W)/zlib" \
		--disable-debuginfod --disable-libdebuginfod --disable-nls --disable-symbol-versioning \
		--without-bzlib --without-lzma --without-zstd > configure.log 2>&1 \
		|| { tail -30 configure.log; exit 1; }

$(W)/elfutils/libelf/libelf_pic.a $(W)/elfutils/lib/libeu.a &: $(W)/elfutils/config.status
	$(MAKE) -C $(W)/elfutils/lib libeu.a V=0 >/dev/null
	$(MAKE) -C $(W)/elfutils/libelf libelf_pic.a V=0 >/dev/null

# libbpf: every source file of src/, with the defines its own Makefile uses.
LIBBPF_SOURCES := $(sort $(notdir $(wildcard $(LIBBPF)/src/*.c)))
LIBBPF_OBJECTS := $(patsubst %.c,$(W)/libbpf/%.o,$(LIBBPF_SOURCES))
# Not -D_FILE_OFFSET_BITS=64 as libbpf's Makefile has: on these 64-bit targets it changes no type,
# but glibc 2.28+ headers then call fcntl64 (GLIBC_2.28) instead of fcntl (GLIBC_2.2.5).
LIBBPF_CFLAGS := $(BASE_CFLAGS) -std=gnu89 -D_LARGEFILE64_SOURCE \
	-I$(LIBBPF)/src -I$(LIBBPF)/include -I$(LIBBPF)/include/uapi -I$(ELFUTILS)/libelf -I$(ZLIB)

$(W)/libbpf/%.o: $(LIBBPF)/src/%.c
	@mkdir -p $(@D)
	$(CC) $(LIBBPF_CFLAGS) -c $< -o $@

$(W)/libbpf/libbpf.a: $(LIBBPF_OBJECTS)
	rm -f $@
	$(AR) rcD $@ $^

# libbpf's public headers as <bpf/...>, the way obs_ebpf.c includes them.
$(W)/include/bpf/libbpf.h:
	@mkdir -p $(@D)
	cp $(LIBBPF)/src/bpf.h $(LIBBPF)/src/btf.h $(LIBBPF)/src/libbpf.h \
		$(LIBBPF)/src/libbpf_common.h $(LIBBPF)/src/libbpf_legacy.h \
		$(LIBBPF)/src/libbpf_version.h $(@D)/

OBS_CFLAGS := $(BASE_CFLAGS) -std=gnu11 -D_FORTIFY_SOURCE=2 -Wall -Wextra -Werror \
	-I$(W)/include -I$(LIBBPF)/include/uapi -I/build/native/include

$(W)/obs_ebpf.o: /build/native/obs_ebpf.c $(W)/include/bpf/libbpf.h
	$(CC) $(OBS_CFLAGS) -c $< -o $@

# -s: no symbol table or debug info beyond the dynamic symbols; --build-id=none: no hash of
# the build environment; -static-libgcc: helpers such as aarch64's outline atomics come from
# libgcc.a, so libgcc_s.so is not needed either.
$(OUT)/libobs_ebpf.so: $(W)/obs_ebpf.o $(W)/libbpf/libbpf.a $(W)/elfutils/libelf/libelf_pic.a \
		$(W)/elfutils/lib/libeu.a $(W)/zlib/libz.a
	@mkdir -p $(@D)
	$(CC) -shared -s -static-libgcc -Wl,--build-id=none -Wl,-z,defs -Wl,-z,now -Wl,-z,relro \
		-Wl,--exclude-libs,ALL -Wl,--as-needed -Wl,--hash-style=gnu -o $@ $^
