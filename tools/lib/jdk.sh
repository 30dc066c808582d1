# Sourced by tools/* scripts: finds a JDK >= 25 and exports JAVA_HOME.
# Order: $JAVA_HOME if it is new enough, else the newest /usr/lib/jvm/* that is.

jvmm_jdk_major() { # JDK_DIR -> prints its feature version, or nothing
    local rel="$1/release" v="" line
    [ -x "$1/bin/java" ] || return 1
    if [ -r "$rel" ]; then
        # read, not sed: no process to start (they are slow inside the KVM sandbox)
        while IFS= read -r line; do
            case $line in JAVA_VERSION=\"*) v=${line#JAVA_VERSION=\"}; v=${v%%[!0-9]*}; break ;; esac
        done < "$rel"
    else
        v=$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
    fi
    [ -n "$v" ] && echo "$v"
}

jvmm_find_jdk() {
    local need=25 best="" best_v=0 d v
    if [ -n "${JAVA_HOME:-}" ] && v=$(jvmm_jdk_major "$JAVA_HOME") && [ "$v" -ge "$need" ]; then
        return 0
    fi
    for d in /usr/lib/jvm/*; do
        [ -d "$d" ] || continue
        v=$(jvmm_jdk_major "$d") || continue
        if [ "$v" -ge "$need" ] && [ "$v" -gt "$best_v" ]; then
            best="$d"; best_v="$v"
        fi
    done
    if [ -z "$best" ]; then
        echo "jvmm: no JDK >= $need found (JAVA_HOME=${JAVA_HOME:-unset}, /usr/lib/jvm has none); install one, e.g. Temurin 25" >&2
        return 1
    fi
    export JAVA_HOME="$best"
}
