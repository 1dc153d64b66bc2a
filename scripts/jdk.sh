# Sourced by ./cairn and the bench/ scripts: finds a JDK of version 21 or newer, in one place.
# Defines java_major and select_jdk; select_jdk NAME exports JAVA_HOME (and sets jdk_major to its
# major version) or exits 70 with a message prefixed by NAME.

java_major() { # prints the major version of the JDK at $1, or nothing
  local version
  java_major_to version "$1"
  [ -z "$version" ] || echo "$version"
}

# java_major_to VAR JDK: sets VAR to the major version of the JDK, or to nothing. Without a
# subshell: the launcher asks on every command, and each $(...) is a fork.
java_major_to() {
  printf -v "$1" '%s' ""
  [ -x "$2/bin/java" ] && [ -x "$2/bin/javac" ] || return 0
  local _version
  release_value_to _version "$2" JAVA_VERSION
  _version="${_version%%.*}"
  [ -z "$_version" ] || printf -v "$1" '%s' "${_version%%[!0-9]*}"
}

# release_value JDK KEY: prints KEY's value in the JDK's release file, or nothing.
release_value() {
  local value
  release_value_to value "$1" "$2"
  [ -z "$value" ] || echo "$value"
}

# release_value_to VAR JDK KEY: sets VAR to KEY's value in the JDK's release file, or to nothing.
# Bash builtins only: the launcher calls this on every command, and each sed it replaced was a
# process of its own.
release_value_to() {
  local _line
  printf -v "$1" '%s' ""
  [ -f "$2/release" ] || return 0
  while IFS= read -r _line; do
    case "$_line" in
      "$3="*)
        _line="${_line#"$3="}"
        _line="${_line#\"}"
        printf -v "$1" '%s' "${_line%\"}"
        return 0
        ;;
    esac
  done < "$2/release"
}

select_jdk() {
  local name="$1" candidate major
  for candidate in "${CAIRN_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -d "$candidate" ] || continue
    java_major_to major "$candidate"
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      export JAVA_HOME="$candidate"
      jdk_major="$major"
      return 0
    fi
  done
  echo "$name: no JDK of version 21 or newer found (looked at \$CAIRN_JAVA_HOME, \$JAVA_HOME and /usr/lib/jvm)." >&2
  echo "$name: install one (e.g. 'apt-get install openjdk-21-jdk-headless') or set CAIRN_JAVA_HOME." >&2
  exit 70
}
