#!/usr/bin/env bash
# Loop benchmark: Cairn's overhead over a bare script, push-to-run latency (hook and polling),
# rollback time, failed requests during switches, Cairn's memory, and the sample application end
# to end. Not a test: CI never runs it. Needs python3 and curl (the tiny app and the baseline),
# and the sample's Maven dependencies in ~/.m2 (as `./cairn demo` does).
#
#   bench/run-loop.sh [--runs N] [--only overhead,trigger,rollback,switch,memory,notes]
#
# Builds Cairn with `./cairn build`, runs everything under a new directory in /tmp, prints a
# markdown table and keeps it in bench/results/loop.md (git-ignored). Takes about 10 minutes.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="$root/bench"
results="$bench/results"

for tool in python3 curl; do
  command -v "$tool" >/dev/null || { echo "run-loop: $tool is needed" >&2; exit 70; }
done

# ./cairn selects the JDK and builds the whole reactor (the bench module included).
echo "run-loop: building ..." >&2
"$root/cairn" build

. "$root/scripts/jdk.sh"
select_jdk run-loop
jdk="$JAVA_HOME"

mkdir -p "$results"
workspace="/tmp/cairn-loopbench-$(date +%Y%m%d-%H%M%S)"
classpath="$bench/target/cairn-bench-0.1.0-SNAPSHOT.jar:$bench/target/lib/*"
export CAIRN_ROOT="$root"
# Releases and migrations that run `java` get the same JDK.
export PATH="$jdk/bin:$PATH"
"$jdk/bin/java" --enable-native-access=ALL-UNNAMED \
  '-Djava.util.logging.SimpleFormatter.format=loopbench: %4$s: %5$s%6$s%n' \
  -cp "$classpath" dev.cairn.bench.LoopBenchmark \
  --workspace "$workspace" --cairn-root "$root" "$@" \
  | tee "$results/loop.md"

# Everything the benchmark started must be gone.
# (by command line, e.g. PostgreSQL's data directory, or by working directory, e.g. releases)
left="$(ps -eo pid,args | grep -F "$workspace" | grep -v grep || true)"
for cwd in /proc/[0-9]*/cwd; do
  case "$(readlink "$cwd" 2>/dev/null || true)" in
    "$workspace"*) left="$left
$(ps -o pid,args= -p "$(basename "$(dirname "$cwd")")" || true)" ;;
  esac
done
left="$(echo "$left" | sed '/^$/d')"
if [ -n "$left" ]; then
  echo "run-loop: processes left running:" >&2
  echo "$left" >&2
  exit 1
fi
echo "run-loop: no process left running; workspace $workspace" >&2
