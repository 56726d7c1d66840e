#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Sets up the pinned toolchain that libobs_ebpf.so is built with, and fetches the pinned sources.
#
#   toolchain.sh ROOT CACHE
#
# ROOT becomes a Debian 11 (bullseye) chroot made by debootstrap: its gcc 10 and glibc 2.31
# headers keep the library's glibc floor low (a library linked against a newer glibc can import
# symbol versions older distributions lack), and bullseye's main suite no longer changes, so the
# same packages, and so the same bytes, come back on any machine. The versions are checked
# below; a mismatch stops the build instead of producing different binaries. CACHE receives the
# Debian source tarballs of zlib, elfutils and libbpf, checked against their SHA-256 sums.
# Needs root (debootstrap, chroot) and the debootstrap package; runs again in seconds once set up.
set -eu

ROOT=$1
CACHE=$2
MIRROR=${OBS_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=bullseye
PACKAGES=gcc,libc6-dev,make,gcc-aarch64-linux-gnu,libc6-dev-arm64-cross,bzip2,flex,bison,gawk,m4

# What the committed libraries were built with (dpkg-query -W in the chroot).
PINNED='binutils 2.35.2-2
binutils-aarch64-linux-gnu 2.35.2-2
gcc-10 10.2.1-6
gcc-10-aarch64-linux-gnu 10.2.1-6cross1
libc6-dev 2.31-13+deb11u11
libc6-dev-arm64-cross 2.31-9cross4
libgcc-10-dev 10.2.1-6
libgcc-10-dev-arm64-cross 10.2.1-6cross1
linux-libc-dev 5.10.223-1
linux-libc-dev-arm64-cross 5.10.13-1cross4
make 4.3-4.1'

# name, Debian pool path, SHA-256 (from the bookworm .dsc files).
SOURCES="libbpf_1.1.2.orig.tar.gz main/libb/libbpf b50ab60637fb713db78aa98e6ca911ddf13c0799d498a1f6ec03ebffc7dca588
elfutils_0.188.orig.tar.bz2 main/e/elfutils fb8b0e8d0802005b9a309c60c1d8de32dd2951b56f0c3a3cb56d21ce01595dff
zlib_1.2.13.dfsg.orig.tar.bz2 main/z/zlib 71feb7947e3c00ef125f83b79a4e529bde31171e5babe48b391f06758d1ab0a1"

if [ "$(id -u)" != 0 ]; then
  echo "native: building the JNI library needs root (debootstrap and chroot)" >&2
  exit 1
fi

stamp="$SUITE $PACKAGES $MIRROR"
if [ ! -f "$ROOT/.obs-toolchain" ] || [ "$(cat "$ROOT/.obs-toolchain")" != "$stamp" ]; then
  command -v debootstrap >/dev/null || {
    echo "native: debootstrap not found (apt-get install debootstrap)" >&2
    exit 1
  }
  echo "native: creating the $SUITE toolchain in $ROOT (a few minutes, once)"
  rm -rf "$ROOT"
  mkdir -p "$(dirname "$ROOT")"
  debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$ROOT" "$MIRROR" \
    > "$ROOT.log" 2>&1 || { tail -20 "$ROOT.log" >&2; exit 1; }
  echo "$stamp" > "$ROOT/.obs-toolchain"
fi

actual=$(chroot "$ROOT" dpkg-query -W -f '${Package} ${Version}\n' \
  $(echo "$PINNED" | cut -d' ' -f1) | sort)
if [ "$actual" != "$(echo "$PINNED" | sort)" ]; then
  echo "native: the toolchain in $ROOT is not the pinned one (< pinned, > found):" >&2
  printf '%s\n' "$PINNED" | sort > "$ROOT.pinned"
  echo "$actual" | diff "$ROOT.pinned" - >&2 || true
  exit 1
fi

mkdir -p "$CACHE"
echo "$SOURCES" | while read -r name path sha; do
  if [ ! -f "$CACHE/$name" ] || ! echo "$sha  $CACHE/$name" | sha256sum -c --status; then
    /usr/lib/apt/apt-helper -o APT::Sandbox::User=root download-file "$MIRROR/pool/$path/$name" "$CACHE/$name" \
      "SHA256:$sha" >/dev/null
  fi
done
