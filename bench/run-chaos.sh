#!/usr/bin/env bash
# Chaos benchmark (issue #13): an application with Redis in two environments under a real
# `cairn serve`; each iteration pushes a random kind of commit (good, build failure, unhealthy in
# the bake, slow start) and SIGKILLs a random victim at a random moment (serve — restarted at once,
# as its systemd unit would —, a build, the live release, a proxy, Redis, or nothing), then checks
# the invariants. Not a test: CI never runs it. Prints a markdown report, kept in
# bench/results/chaos-<time>-<pid>.md, the latest also as bench/results/chaos.md (git-ignored);
# exits 1 when an invariant was violated.
#
#   bench/run-chaos.sh [--iterations N] [--seed S]
#   bench/run-chaos.sh --burst N      (the load test: N pushes within 10 s, three environments)
set -euo pipefail

usage="usage: bench/run-chaos.sh [--iterations N] [--seed S] | --burst N"
args=("$@")
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) echo "$usage"; exit 0 ;;
    --iterations|--seed|--burst)
      if [ $# -lt 2 ] || ! [[ "$2" =~ ^-?[0-9]+$ ]]; then
        echo "run-chaos: $1 needs a whole number" >&2; echo "$usage" >&2; exit 64
      fi
      shift 2 ;;
    *) echo "run-chaos: unknown option $1" >&2; echo "$usage" >&2; exit 64 ;;
  esac
done
set -- "${args[@]+"${args[@]}"}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
results="$root/bench/results"

"$root/scripts/ensure-packages.sh" >/dev/null
# Builds only when a source changed (and waits for a launcher that is building already).
"$root/cairn" --version > /dev/null

. "$root/scripts/jdk.sh"
select_jdk run-chaos
mkdir -p "$results"
# The process id too: two runs started in the same second (two repositories at once) stay apart.
stamp="$(date +%Y%m%d-%H%M%S)-$$"
workspace="/tmp/cairn-chaos-$stamp"
ln -sfn "chaos-$stamp.md" "$results/chaos.md"
classpath="$root/bench/target/cairn-bench-0.1.0-SNAPSHOT.jar:$root/bench/target/lib/*"
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
  -cp "$classpath" dev.cairn.bench.ChaosBenchmark \
  --workspace "$workspace" --cairn-root "$root" "$@" \
  | tee "$results/chaos-$stamp.md"
