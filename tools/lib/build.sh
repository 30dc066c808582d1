# Sourced by tools/* scripts: builds the project when its jars are missing or older than the
# sources. Needs JVMM_ROOT and JAVA_HOME.

jvmm_jar() { echo "$JVMM_ROOT/vmm/target/vmm-0.1.0-SNAPSHOT.jar"; }

jvmm_build_if_stale() {
    local jar stale=""
    jar=$(jvmm_jar)
    if [ ! -f "$jar" ]; then
        stale="first use"
    elif [ -n "$(find "$JVMM_ROOT/pom.xml" "$JVMM_ROOT"/{kvm-bindings,virtio-devices,vmm}/{pom.xml,src/main} \
                 -type f -newer "$jar" -print 2>/dev/null | head -1)" ]; then
        # Only what goes into the jars counts: tests, target/ and files tests write (such as
        # .jqwik-database) must not make every later launch rebuild.
        stale="sources changed"
    fi
    [ -z "$stale" ] && return 0
    echo "jvmm: building the VMM ($stale)..." >&2
    local log
    log=$(mktemp)
    if ! (cd "$JVMM_ROOT" && mvn -B -q -pl vmm -am install -DskipTests >"$log" 2>&1); then
        cat "$log" >&2
        rm -f "$log"
        echo "jvmm: build failed" >&2
        return 1
    fi
    rm -f "$log"
    # Maven rewrites a jar only when its own module changed: after a change to kvm-bindings alone
    # the vmm jar keeps its old time, and every later launch would build again.
    touch "$jar"
}
