#!/usr/bin/env bash
# Makes sure the operating-system packages Cairn's local runtime uses are installed.
# Idempotent: installs only what is missing, runs `apt-get update` at most once per run.
# Without root (or without apt-get) it only warns: Cairn still works, with less isolation.
#   --test        also what the test suite needs: headless Chromium and its WebDriver for the
#                 dashboard's browser tests (`./cairn test`; the demo and serve do not need them),
#                 and what --containers installs (the container release tests run on Podman)
#   --containers  also what container releases (`build.image`) need: Podman, runc (crun, Podman's
#                 default runtime, refuses hosts with cgroups in hybrid mode), catatonit (Podman's
#                 --init), uidmap (rootless Podman), and a static busybox (the /bin/sh of the
#                 tests' and the containerised demo's images, built without any registry)
set -euo pipefail

# command name -> Debian package providing it: bubblewrap sandboxes build jobs; redis-server backs
# the Redis services pipelines declare (PostgreSQL's server binaries come with the machine).
declare -A wanted=([bwrap]=bubblewrap [redis-server]=redis-server)
containers() {
  wanted[podman]=podman
  wanted[runc]=runc
  wanted[/usr/libexec/podman/catatonit]=catatonit
  wanted[newuidmap]=uidmap
  wanted[busybox]=busybox-static
}
for arg in "$@"; do
  case "$arg" in
    --test)
      wanted[chromium]=chromium
      wanted[chromedriver]=chromium-driver
      containers
      ;;
    --containers) containers ;;
  esac
done

missing=()
for cmd in "${!wanted[@]}"; do
  if command -v "$cmd" >/dev/null 2>&1; then
    echo "ensure-packages: $cmd is installed ($(command -v "$cmd"))"
  else
    missing+=("${wanted[$cmd]}")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
consequence="Without bubblewrap build jobs run as plain processes without a sandbox; without chromium the dashboard's browser tests are skipped; without podman container releases cannot run (and their tests are skipped)."

if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-packages: warning: missing ${missing[*]} and not running as root; not installing." \
    "$consequence" >&2
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-packages: warning: missing ${missing[*]} and apt-get is not available; not installing." \
    "$consequence" >&2
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
echo "ensure-packages: running apt-get update"
if ! apt-get update -qq; then
  echo "ensure-packages: warning: apt-get update failed; not installing ${missing[*]}." >&2
  exit 0
fi
echo "ensure-packages: installing ${missing[*]}"
if apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
  echo "ensure-packages: installed ${missing[*]}"
else
  echo "ensure-packages: warning: could not install ${missing[*]}." "$consequence" >&2
fi
exit 0
