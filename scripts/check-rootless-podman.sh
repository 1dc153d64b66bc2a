#!/usr/bin/env bash
# Runs Cairn's container tests (PodmanTest, ContainerReleaseTest: a real loop whose releases are
# Podman containers) as an unprivileged user, so Podman runs rootless. CI runs as root; this is the
# check that a user who runs Cairn under their own account gets the same behaviour.
#   usage (as root, from a checkout): scripts/check-rootless-podman.sh [USER]
# It installs what containers need (scripts/ensure-packages.sh --test), creates USER (default
# cairn-rootless; useradd gives it /etc/subuid and /etc/subgid ranges), copies the local Maven
# repository into its home (the tests build offline), clones this checkout's HEAD there and runs the
# tests as USER. Run ./cairn build (or ./cairn test) once first so that the Maven repository holds
# every dependency.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
user="${1:-cairn-rootless}"
if [ "$(id -u)" != 0 ]; then
  echo "check-rootless-podman: run as root (it creates the user $user)" >&2
  exit 2
fi
# shellcheck source=scripts/jdk.sh
. "$root/scripts/jdk.sh"
select_jdk check-rootless-podman
"$root/scripts/ensure-packages.sh" --test > /dev/null
maven_opts=""
# Maven's own Guava calls sun.misc.Unsafe; newer JDKs warn about it on every run.
[ "$(java_major "$JAVA_HOME")" -ge 24 ] && maven_opts="--sun-misc-unsafe-memory-access=allow"

id "$user" > /dev/null 2>&1 || useradd --create-home "$user"
home="$(getent passwd "$user" | cut -d: -f6)"
mkdir -p "$home/.m2"
cp -a "$HOME/.m2/repository" "$home/.m2/"
rm -rf "$home/cairn"
git clone --quiet "$root" "$home/cairn"
# The engine's conformance corpus sits beside the checkout, as for CI.
[ -e "$root/../shared" ] && ln -sfn "$(cd "$root/../shared" && pwd)" "$home/shared"
chown -R "$user:" "$home"

exec su "$user" -c "cd '$home/cairn' && export JAVA_HOME='$JAVA_HOME' PATH='$JAVA_HOME/bin':\$PATH \
  MAVEN_OPTS='$maven_opts' && podman info --format 'rootless: {{.Host.Security.Rootless}}' \
  && mvn -B -o -Dstyle.color=never verify -pl cli -am -Dspotless.check.skip \
    -Dsurefire.failIfNoSpecifiedTests=false -Dtest='PodmanTest,ContainerReleaseTest'"
