#!/usr/bin/env bash
# Builds a small Java base image, localhost/cairn-jre:latest, from this machine alone: no
# registry is needed. It holds a JRE made with jlink from the JDK running Cairn (JAVA_HOME), the
# shared libraries it links against (as ldd names them), and a static busybox as /bin/sh. The
# containerised sample (examples/notes-container, `cairn demo --containers`) starts FROM it.
#
# With access to a registry you do not need this: start your Containerfile FROM an official JRE
# image instead (for example eclipse-temurin:21-jre); see docs/containers.md.
#
#   scripts/container-base.sh [TAG]   (default localhost/cairn-jre:latest) prints the tag; does
#                                     nothing when the image exists
set -euo pipefail

jdk="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
tag="${1:-localhost/cairn-jre:latest}"
podman=(podman)
if command -v runc >/dev/null 2>&1 || [ -x /usr/sbin/runc ]; then
  # crun, Podman's default, refuses hosts with cgroups in hybrid mode; runc works everywhere.
  podman+=(--runtime "$(command -v runc || echo /usr/sbin/runc)")
fi
if "${podman[@]}" image exists "$tag"; then
  echo "$tag"
  exit 0
fi
busybox="$(command -v busybox || true)"
if [ -z "$busybox" ] || ldd "$busybox" >/dev/null 2>&1; then
  echo "container-base: a static busybox is needed for /bin/sh (apt-get install busybox-static)" >&2
  exit 1
fi

root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
# The Java SE modules and the JDK's HTTP server: what a typical service needs, ~60 MB compressed.
"$jdk/bin/jlink" --add-modules java.se,jdk.httpserver,jdk.unsupported,jdk.crypto.cryptoki \
  --strip-debug --no-man-pages --no-header-files --output "$root/opt/java" >&2
# Every shared library the JRE's executables and libraries load, at the same paths as here.
find "$root/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -print0 |
  xargs -0 ldd 2>/dev/null |
  grep -o '/[^ ]*' | sort -u |
  while read -r lib; do
    [ -e "$lib" ] || continue
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
mkdir -p "$root/bin" "$root/tmp" "$root/etc"
cp "$busybox" "$root/bin/busybox"
for applet in sh ls cat echo mkdir rm sleep env; do
  ln -s busybox "$root/bin/$applet"
done
chmod 1777 "$root/tmp"
echo 'root:x:0:0:root:/tmp:/bin/sh' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"
tar -C "$root" -c . | "${podman[@]}" import \
  --change 'ENV PATH=/opt/java/bin:/bin' \
  --change 'ENV JAVA_HOME=/opt/java' \
  --change 'ENV HOME=/tmp' \
  --change 'CMD ["/bin/sh"]' \
  - "$tag" >&2
echo "$tag"
