#!/usr/bin/env bash
# Engine benchmark: Cairn's state transitions per second (memory-only and durable) and memory per
# running execution, then the same state machines run by the npm interpreter aws-local-stepfunctions
# on Node 22, with the ratio. Not a test: CI never runs it.
#
#   bench/run-engine.sh [--warmup N] [--runs N] [--blocked N] [--skip-node] [--only SHAPE]
#                       [--alternate ROUNDS]
#
# --only SHAPE runs one shape (chain, map, parallel, tasks; jsonata is Cairn only) on both sides.
# --alternate ROUNDS runs, ROUNDS times, each shape (or the --only one) on the Java side then on
# the npm side, with the uptime load average before each: on a shared machine the ratio of two
# runs minutes apart says little, the ratio of adjacent runs more. Memory is not measured then.
#
# Results are printed as markdown and kept in bench/results/ (git-ignored). Node 22 and the npm
# package are installed into bench/node/ (git-ignored) with npm, on first use.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="$root/bench"
results="$bench/results"

warmup=5
runs=20
blocked=10000
skip_node=false
only=""
rounds=0
while [ $# -gt 0 ]; do
  case "$1" in
    --warmup) warmup="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --blocked) blocked="$2"; shift 2 ;;
    --skip-node) skip_node=true; shift ;;
    --only) only="$2"; shift 2 ;;
    --alternate) rounds="$2"; shift 2 ;;
    *) echo "usage: bench/run-engine.sh [--warmup N] [--runs N] [--blocked N] [--skip-node] [--only SHAPE] [--alternate ROUNDS]" >&2; exit 64 ;;
  esac
done

# --- the JDK: the first of $CAIRN_JAVA_HOME, $JAVA_HOME, /usr/lib/jvm/* of version 21 or newer,
# as the ./cairn launcher chooses it.
. "$root/scripts/jdk.sh"
select_jdk run-engine
jdk="$JAVA_HOME"
if [ "$(java_major "$JAVA_HOME")" -ge 24 ]; then
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi

# --- build (the engine comes from this reactor, not from ~/.m2, which other checkouts share)
echo "run-engine: building with $JAVA_HOME ..." >&2
rm -rf "$bench/target/lib"
(cd "$root" && mvn -q -B package -DskipTests -Dspotless.check.skip=true -pl bench -am) >&2

mkdir -p "$results"
classpath="$bench/target/cairn-bench-0.1.0-SNAPSHOT.jar:$bench/target/lib/*"
java_opts=(-Xms2g -Xmx4g -XX:+UseG1GC)
if [ "$(java_major "$JAVA_HOME")" -ge 22 ]; then
  java_opts+=(--enable-native-access=ALL-UNNAMED) # sqlite-jdbc loads its native library
fi

only_args=()
[ -n "$only" ] && only_args=(--only "$only")

if [ "$rounds" -eq 0 ]; then
  "$JAVA_HOME/bin/java" "${java_opts[@]}" -cp "$classpath" dev.cairn.bench.EngineBenchmark \
    --warmup "$warmup" --runs "$runs" --blocked "$blocked" --json "$results/engine.json" \
    "${only_args[@]}" | tee "$results/engine.md"
  $skip_node && exit 0
fi

# --- the npm interpreter, on Node 22 from the npm package node@22
node_dir="$bench/node"
node_bin="$node_dir/node_modules/node/bin/node"
if ! "$node_bin" --version >/dev/null 2>&1 || [ ! -d "$node_dir/node_modules/aws-local-stepfunctions" ]; then
  command -v npm >/dev/null || { echo "run-engine: npm is needed for the comparison (or pass --skip-node)" >&2; exit 70; }
  echo "run-engine: installing node@22 and aws-local-stepfunctions into bench/node ..." >&2
  mkdir -p "$node_dir"
  # node@22 fetches its binary in an install script, which newer npm versions only run when allowed.
  npm install --prefix "$node_dir" --no-audit --no-fund --allow-scripts=node node@22 aws-local-stepfunctions >&2 \
    || npm install --prefix "$node_dir" --no-audit --no-fund node@22 aws-local-stepfunctions >&2
fi
if ! "$node_bin" --version >/dev/null 2>&1; then
  # The binary also sits in the platform package that node@22 depends on.
  node_bin="$(find "$node_dir/node_modules" -path '*/node-linux-*/bin/node' -type f | head -n 1)"
fi
if [ -z "$node_bin" ] || ! "$node_bin" --version >/dev/null 2>&1; then
  # npm 11 installs packages without running their install scripts until they are approved; node@22
  # fetches its binary in one.
  echo "run-engine: approving node's install script and running it ..." >&2
  (cd "$node_dir" && npm install-scripts approve node && npm rebuild node) >&2 || true
  node_bin="$node_dir/node_modules/node/bin/node"
  if ! "$node_bin" --version >/dev/null 2>&1; then
    node_bin="$(find "$node_dir/node_modules" -path '*/node-linux-*/bin/node' -type f | head -n 1)"
  fi
fi
if [ -z "$node_bin" ] || ! "$node_bin" --version >/dev/null 2>&1; then
  echo "run-engine: no Node 22 binary in bench/node (npm install-scripts approve node, in bench/node)" >&2
  exit 70
fi

if [ "$rounds" -eq 0 ]; then
  "$node_bin" "$bench/aws-local-stepfunctions-bench.mjs" --warmup "$warmup" --runs "$runs" \
    --module "$node_dir" --java "$results/engine.json" --json "$results/node.json" \
    "${only_args[@]}" | tee "$results/node.md"
  exit 0
fi

# --- alternated: each shape on the Java side, then at once on the npm side, ROUNDS times
shapes="${only:-chain map parallel tasks}"
for round in $(seq 1 "$rounds"); do
  for shape in $shapes; do
    echo "## round $round, $shape: load average $(uptime | sed 's/.*load average: //')"
    "$JAVA_HOME/bin/java" "${java_opts[@]}" -cp "$classpath" dev.cairn.bench.EngineBenchmark \
      --warmup "$warmup" --runs "$runs" --blocked 0 --only "$shape" \
      --json "$results/engine-$shape-$round.json" | grep '^| '
    echo "load average $(uptime | sed 's/.*load average: //')"
    "$node_bin" "$bench/aws-local-stepfunctions-bench.mjs" --warmup "$warmup" --runs "$runs" \
      --module "$node_dir" --only "$shape" --java "$results/engine-$shape-$round.json" \
      | grep '^| '
    echo
  done
done | tee "$results/alternated.md"
