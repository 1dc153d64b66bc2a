# Sourced by ./cairn and the bench/ scripts: finds a JDK of version 21 or newer, in one place.
# Defines java_major and select_jdk; select_jdk NAME exports JAVA_HOME or exits 70 with a message
# prefixed by NAME.

java_major() { # prints the major version of the JDK at $1, or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  local version
  version="$(release_value "$1" JAVA_VERSION)"
  version="${version%%.*}"
  [ -z "$version" ] || echo "${version%%[!0-9]*}"
}

# release_value JDK KEY: prints KEY's value in the JDK's release file, or nothing. Bash builtins
# only: the launcher calls this on every command, and each sed it replaced was a process of its own.
release_value() {
  local line
  [ -f "$1/release" ] || return 0
  while IFS= read -r line; do
    case "$line" in
      "$2="*)
        line="${line#"$2="}"
        line="${line#\"}"
        echo "${line%\"}"
        return 0
        ;;
    esac
  done < "$1/release"
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
