#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds obs's starter, the three benchmark applications and the harness, then runs the harness
# from the repository root. Arguments go to the harness (README.md lists them); Maven options go
# in MAVEN_ARGS (for example MAVEN_ARGS=-Dmaven.repo.local=/tmp/m2).
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v wrk >/dev/null; then
  echo "wrk is not installed (Debian: apt-get install wrk)" >&2
  exit 1
fi
# The obs variant resolves obs-bom and the starter from the local repository, as a user's build
# would: install them (and the obs modules the starter needs) first.
./mvnw -q -B install -DskipTests -pl obs-bom,obs-spring-boot-starter -am
./mvnw -q -B -f benchmarks/spring-boot/pom.xml package
exec java -jar benchmarks/spring-boot/harness/target/bootbench.jar "$@"
