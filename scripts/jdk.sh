# Sourced by ./cairn and the bench/ scripts: finds a JDK of version 21 or newer, in one place.
# Defines java_major and select_jdk; select_jdk NAME exports JAVA_HOME or exits 70 with a message
# prefixed by NAME.

java_major() { # prints the major version of the JDK at $1, or nothing
  local release="$1/release"
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  [ -f "$release" ] || return 0
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release"
}

select_jdk() {
  local name="$1" candidate major
  for candidate in "${CAIRN_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -d "$candidate" ] || continue
    major="$(java_major "$candidate")"
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  echo "$name: no JDK of version 21 or newer found (looked at \$CAIRN_JAVA_HOME, \$JAVA_HOME and /usr/lib/jvm)." >&2
  echo "$name: install one (e.g. 'apt-get install openjdk-21-jdk-headless') or set CAIRN_JAVA_HOME." >&2
  exit 70
}
