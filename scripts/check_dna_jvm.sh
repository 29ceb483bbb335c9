#!/usr/bin/env bash
# Manual check (not part of the test suite): does DNA 3 (Java) read a .dna file that stance wrote?
# Compiles scripts/jvm/DnaCheck.java and runs it on FILE.dna through jdbc:sqlite. DnaCheck runs the SELECT
# statements DNA 3.1.1 runs to open a file and load it (copied from DNA's sql/Sql.java) and checks the
# version, coders, statement types and variables, documents and dates, each statement's Start/Stop in
# Java (UTF-16) units and its values; with --run or --port-aldern it also compares text.substring(Start,
# Stop) with the quote stance meant (scripts/jvm/expected_quotes.py writes those from the inputs).
#
#   scripts/check_dna_jvm.sh FILE.dna [--run RUN_DIR | --port-aldern] [--jar PATH/sqlite-jdbc.jar]
#
# Needs a JDK (javac, java 11 or later) and the xerial sqlite-jdbc jar, given by --jar or $SQLITE_JDBC_JAR,
# else the first of ~/.m2/.../sqlite-jdbc-*.jar and /usr/share/java/sqlite-jdbc.jar found. To get the jar:
#   mvn dependency:get -Dartifact=org.xerial:sqlite-jdbc:3.54.1.0
#       (lands in ~/.m2/repository/org/xerial/sqlite-jdbc/3.54.1.0/; newer jars also want slf4j-api on the
#       classpath for logging, and run without it after a warning)
#   or, on Debian/Ubuntu: apt-get install libxerial-sqlite-jdbc-java   (/usr/share/java/sqlite-jdbc.jar)
# Exit status: DnaCheck's (0 all checks passed, 1 a check failed, 2 bad arguments); 2 also when no jar.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
dna="" run="" port_aldern="" jar="${SQLITE_JDBC_JAR:-}"
while [ $# -gt 0 ]; do
    case "$1" in
        --run) run="$2"; shift 2 ;;
        --port-aldern) port_aldern=1; shift ;;
        --jar) jar="$2"; shift 2 ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) if [ -z "$dna" ]; then dna="$1"; shift; else echo "unexpected argument: $1" >&2; exit 2; fi ;;
    esac
done
[ -n "$dna" ] && [ -f "$dna" ] || { echo "usage: $0 FILE.dna [--run RUN_DIR | --port-aldern] [--jar JAR]" >&2; exit 2; }
if [ -z "$jar" ]; then
    for candidate in $(ls -1 "$HOME"/.m2/repository/org/xerial/sqlite-jdbc/*/sqlite-jdbc-*.jar 2>/dev/null | sort -V -r) \
                     /usr/share/java/sqlite-jdbc.jar; do
        if [ -f "$candidate" ]; then jar="$candidate"; break; fi
    done
fi
[ -n "$jar" ] && [ -f "$jar" ] || { echo "no sqlite-jdbc jar: pass --jar or set SQLITE_JDBC_JAR (see the header)" >&2; exit 2; }
classpath="$jar"
for extra in "$(dirname "$jar")"/slf4j-api*.jar; do [ -f "$extra" ] && classpath="$classpath:$extra"; done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
javac -d "$work" -cp "$jar" "$root/scripts/jvm/DnaCheck.java"

expect=()
if [ -n "$run" ] || [ -n "$port_aldern" ]; then
    python="${PYTHON:-$root/.venv/bin/python}"
    if [ -n "$run" ]; then source_args=(--run "$run"); else source_args=(--port-aldern); fi
    (cd "$root" && "$python" scripts/jvm/expected_quotes.py "$dna" "$work/expect.tsv" "${source_args[@]}")
    expect=(--expect "$work/expect.tsv")
fi
echo "jar: $jar"
java -Djava.awt.headless=true -cp "$classpath:$work" DnaCheck "$dna" "${expect[@]}"
