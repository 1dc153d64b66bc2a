#!/usr/bin/env bash
# The baseline of the loop benchmark's overhead figure: what Cairn does for the tiny app, as a bare
# shell script: copy the sources, run the build command, start the app, wait until /health answers
# (checking every 100 ms, as the benchmark's cairn.yml asks Cairn to). Leaves the app running and
# its pid in WORK/pid; the benchmark stops it.
#
#   bench/bare-deploy.sh SOURCES WORK PORT COMMIT PYTHON
set -euo pipefail
src="$1" work="$2" port="$3" commit="$4" python="$5"

rm -rf "$work"
mkdir -p "$work"
# checkout/copy: the working tree without its .git
tar -C "$src" --exclude=.git -cf - . | tar -C "$work" -xf -
# build
(cd "$work" && mkdir -p out && cp app.py out/)
# start
cd "$work/out"
CAIRN_COMMIT="$commit" PORT="$port" nohup "$python" app.py >/dev/null 2>&1 &
echo $! >"$work/pid"
# wait healthy
until curl -fsS -o /dev/null "http://127.0.0.1:$port/health"; do
  sleep 0.1
done
