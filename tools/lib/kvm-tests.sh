# Sourced by tools/kvm-tests: the pieces of a JUnit run of the reactor's @Tag("kvm") tests in one
# JVM. Needs JVMM_ROOT and JAVA_HOME; Maven runs here on the host only, never in the sandbox.

jvmm_kt_cache() { echo "${XDG_CACHE_HOME:-$HOME/.cache}/jvmm/kvm-tests"; }

# The root pom's JUnit 5 version (5.X.Y) mapped to its JUnit Platform version (1.X.Y).
jvmm_kt_platform_version() {
    local v
    v=$(sed -n 's:.*<junit.version>5\.\([0-9.]*\)</junit.version>.*:\1:p' "$JVMM_ROOT/pom.xml" | head -1)
    [ -n "$v" ] || { echo "kvm-tests: no <junit.version>5.x</junit.version> in $JVMM_ROOT/pom.xml" >&2; return 1; }
    echo "1.$v"
}

# Prints the JUnit Platform console launcher jar, fetching it through Maven on first use.
jvmm_kt_console_jar() {
    local ver dir jar log
    ver=$(jvmm_kt_platform_version) || return 1
    dir="$(jvmm_kt_cache)/lib"
    jar="$dir/junit-platform-console-standalone-$ver.jar"
    if [ ! -f "$jar" ]; then
        echo "kvm-tests: fetching junit-platform-console-standalone $ver" >&2
        mkdir -p "$dir"
        log=$(mktemp)
        (cd "$dir" && mvn -B -q dependency:copy \
            -Dartifact="org.junit.platform:junit-platform-console-standalone:$ver" \
            -DoutputDirectory="$dir" >"$log" 2>&1) || { cat "$log" >&2; rm -f "$log"; return 1; }
        rm -f "$log"
    fi
    echo "$jar"
}

# The reactor's modules that have compiled tests, in the root pom's order.
jvmm_kt_modules() {
    local m
    for m in $(sed -n 's:.*<module>\(.*\)</module>.*:\1:p' "$JVMM_ROOT/pom.xml"); do
        [ -d "$JVMM_ROOT/$m/target/test-classes" ] && echo "$m"
    done
}

# Writes each module's test class path (target/kvm-tests.classpath) with Maven when it is
# missing or older than the module's or the root's pom.xml.
jvmm_kt_resolve_classpaths() {
    local m stale=() log
    for m in "$@"; do
        local f="$JVMM_ROOT/$m/target/kvm-tests.classpath"
        if [ ! -f "$f" ] || [ "$JVMM_ROOT/$m/pom.xml" -nt "$f" ] || [ "$JVMM_ROOT/pom.xml" -nt "$f" ]; then
            stale+=("$m")
        fi
    done
    [ ${#stale[@]} -eq 0 ] && return 0
    echo "kvm-tests: resolving the test class path of ${stale[*]}" >&2
    log=$(mktemp)
    local IFS=,
    if ! (cd "$JVMM_ROOT" && mvn -B -q dependency:build-classpath -pl "${stale[*]}" \
            -Dmdep.includeScope=test -Dmdep.outputFile=target/kvm-tests.classpath >"$log" 2>&1); then
        cat "$log" >&2; rm -f "$log"; return 1
    fi
    rm -f "$log"
}

# Prints the class path of one JVM for all modules, one entry a line: each module's
# test-classes and classes, then the dependencies. Our own modules' jars (from the local
# repository) are replaced by their target/ folders so a stale install can't hide a change;
# JUnit's own jars are left out, the console launcher brings its own matching set.
jvmm_kt_classpath() {
    local m e base
    declare -A seen=()
    {
        for m in "$@"; do
            echo "$JVMM_ROOT/$m/target/test-classes"
            echo "$JVMM_ROOT/$m/target/classes"
        done
        for m in "$@"; do
            tr ':' '\n' < "$JVMM_ROOT/$m/target/kvm-tests.classpath"
        done
    } | while IFS= read -r e; do
        [ -n "$e" ] || continue
        base=${e##*/}
        case "$e" in
            */dev/jvmm/*)
                local a=${e%/*}; a=${a%/*}; a=${a##*/}
                if [ -d "$JVMM_ROOT/$a/target/classes" ]; then
                case "$base" in *-tests.jar) e="$JVMM_ROOT/$a/target/test-classes" ;; *) e="$JVMM_ROOT/$a/target/classes" ;; esac
                fi ;;
            */junit-platform-*|*/junit-jupiter-*|*/junit-vintage-*|*/opentest4j-*|*/apiguardian-api-*) continue ;;
        esac
        [ -n "${seen[$e]:-}" ] && continue
        seen[$e]=1
        echo "$e"
    done
}

# Reads the console launcher's summary box from LOG and prints "PASSED FAILED"; failed counts
# failed tests and failed containers (a broken @BeforeAll fails no test but must fail the run).
jvmm_kt_counts() {
    local log=$1 ok tf cf
    ok=$(sed -n 's/^\[ *\([0-9]*\) tests successful *\]$/\1/p' "$log" | tail -1)
    tf=$(sed -n 's/^\[ *\([0-9]*\) tests failed *\]$/\1/p' "$log" | tail -1)
    cf=$(sed -n 's/^\[ *\([0-9]*\) containers failed *\]$/\1/p' "$log" | tail -1)
    echo "${ok:-0} $(( ${tf:-0} + ${cf:-0} ))"
}
