#!/usr/bin/env bash
# Audit trail benchmark: generates a trail of N records (default 100,000) in a bare repository,
# times the reader in one JVM (AuditBenchmark), then times the commands as a user runs them —
# `cairn history` (by environment, by commit; cold and warm index) and `cairn metrics` — each a
# new JVM, so the times include JVM start. A second trail of 5,000 records with full trees (as
# the writer makes them) times `cairn audit verify`. Not a test: CI never runs it.
#
#   bench/run-audit.sh [--records N] [--runs N] [--skip-build]
#
# Prints markdown and keeps it in bench/results/audit.md (git-ignored). Takes about 2 minutes.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="$root/bench"
results="$bench/results"

records=100000
runs=5
skip_build=false
while [ $# -gt 0 ]; do
  case "$1" in
    --records) records="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --skip-build) skip_build=true; shift ;;
    *) echo "usage: bench/run-audit.sh [--records N] [--runs N] [--skip-build]" >&2; exit 64 ;;
  esac
done

if [ "$skip_build" = false ]; then
  # ./cairn selects the JDK and builds the whole reactor (the bench module included).
  echo "run-audit: building ..." >&2
  "$root/cairn" build
fi

. "$root/scripts/jdk.sh"
select_jdk run-audit
jdk="$JAVA_HOME"

mkdir -p "$results"
workspace="/tmp/cairn-auditbench-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$workspace"
classpath="$bench/target/cairn-bench-0.1.0-SNAPSHOT.jar:$bench/target/lib/*"
java=("$jdk/bin/java" --enable-native-access=ALL-UNNAMED -cp "$classpath")

{
  echo "## Audit trail: $records records"
  echo
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
    "$(free -g | awk '/Mem:/ {print $2}') GB; JDK $("$jdk/bin/java" -version 2>&1 | head -1)"
  echo
  "${java[@]}" dev.cairn.bench.AuditBenchmark --workspace "$workspace" --records "$records"
} | tee "$results/audit.md"

origin="$workspace/origin.git"
# The commands run with the flags of the ./cairn launcher: a class-data-sharing archive (created
# by the first run) and the C1 compiler only, which start short-lived commands faster.
cli=("$jdk/bin/java" "-XX:SharedArchiveFile=$workspace/cairn.jsa" -XX:+AutoCreateSharedArchive
  -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off -XX:TieredStopAtLevel=1
  --enable-native-access=ALL-UNNAMED -cp "$classpath")
sample="$(cut -c1-7 "$workspace/sample-commit")"
export CAIRN_HOME="$workspace/home"

# Milliseconds of one command, its output discarded; fails the script if the command fails.
time_ms() {
  local start end
  start=$(date +%s%N)
  "${cli[@]}" dev.cairn.cli.CairnCommand "$@" >/dev/null
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}

# The median of $runs timings of a command with a warm index.
median_ms() {
  local samples=()
  for _ in $(seq "$runs"); do
    samples+=("$(time_ms "$@")")
  done
  printf '%s\n' "${samples[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

measure() {
  local label="$1"
  shift
  rm -rf "$CAIRN_HOME/audit/index"
  local cold warm
  cold="$(time_ms "$@")"
  warm="$(median_ms "$@")"
  echo "| \`cairn $label\` | $cold ms | $warm ms |"
}

# Creates the class-data-sharing archive, as the launcher's first run does.
time_ms --version >/dev/null
{
  echo
  echo "| command (a new JVM each time; --repo is the generated bare repository) | cold index | warm index (median of $runs) |"
  echo "|---|---|---|"
  measure "history --env production" history --repo "$origin" --env production
  measure "history --commit $sample" history --repo "$origin" --commit "$sample"
  measure "history --env production --limit 0 --json" history --repo "$origin" --env production --limit 0 --json
  measure "metrics --since 3000d (whole trail)" metrics --repo "$origin" --since 3000d
  measure "metrics --env production --since 30d" metrics --repo "$origin" --env production --since 30d
  echo
  rm -rf "$CAIRN_HOME/audit/verified"
  verify_full="$(time_ms audit verify --repo "$workspace/verify.git")"
  verify_again="$(median_ms audit verify --repo "$workspace/verify.git")"
  echo "| \`cairn audit verify --repo verify.git\` (trail with full trees) | every commit in full | again, nothing new (median of $runs) |"
  echo "|---|---|---|"
  echo "| | $verify_full ms | $verify_again ms |"
  echo
  echo "baseline: \`cairn --version\` (JVM start only): $(median_ms --version) ms"
  echo
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); workspace: $workspace"
} | tee -a "$results/audit.md"
