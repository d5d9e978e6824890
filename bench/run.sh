#!/usr/bin/env bash
# The benchmark suite of issue 5 in one session: the JMH benchmarks (nabla4j), the NumPy twins
# (before and after JMH, so both sides see the same machine), then the ratio table in docs/benchmarks.md.
#
#   bench/run.sh                                  # everything, about 3-5 minutes
#   BENCH='ElementwiseBench|SoftmaxBench' TWINS='w1 w3' bench/run.sh   # a subset
#   JMH_ARGS='-f 1 -prof gc' bench/run.sh         # extra JMH options (the iteration counts are in the classes)
#   DOC=/tmp/b.md bench/run.sh                    # write the report elsewhere
#
# Raw results stay in bench/target/results/ (jmh.json, jmh.txt, numpy-*.json).
#
# JMH runs from a snapshot of the compiled classes (bench/target/results/classes), not from the
# modules' target/classes: other builds in the same tree may recompile or clean those while the
# benchmarks run. The JDK is the first one >= 25 in $JAVA_HOME or /usr/lib/jvm (override: JAVA=...).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out="$root/bench/target/results"
mkdir -p "$out"
rm -f "$out"/jmh.json "$out"/numpy-*.json
classes='ElementwiseBench|SumSquaresBench|SoftmaxBench|MatmulBench|MlpStepBench|PerSampleGradBench|DispatchBench|RnnScanBench'
bench="org\\.nabla4j\\.bench\\.(${BENCH:-$classes})\\..*"
jmh_args=${JMH_ARGS:--f 1}
twins=${TWINS:-}
doc=${DOC:-$root/docs/benchmarks.md}

# NumPy runs without the OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE overrides this environment may set
# (for these commands only), so OpenBLAS picks the kernel for this CPU; the report records which.
numpy() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 "$@"; }
matmul_twin() {
  if [ -f bench/numpy/matmul.py ] && [[ -z "${BENCH:-}" || "$BENCH" == *Matmul* ]]; then
    numpy bench/numpy/matmul.py --json "$out/numpy-matmul-$1.json" || echo "bench/numpy/matmul.py --json failed; W4 has no NumPy figure" >&2
  fi
}

start=$(date +%s)
# what is measured: HEAD, and whether the working tree differs from it (override: COMMIT=...)
commit=${COMMIT:-$(git rev-parse --short HEAD 2>/dev/null && git diff --quiet HEAD 2>/dev/null || echo "(with uncommitted changes)")}
commit=${commit//$'\n'/ }
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== compiling and snapshotting the classes"
snapshot() {
  mvn -B -q -ntp -pl bench -am compile dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$out/classpath.txt" || return 1
  rm -rf "$out/classes"
  mkdir -p "$out/classes"
  classpath=""
  for entry in "$root/bench/target/classes" $(tr ':' ' ' < "$out/classpath.txt"); do
    if [ -d "$entry" ]; then
      copy="$out/classes/$(basename "$(dirname "$(dirname "$entry")")")"
      cp -r "$entry" "$copy" || return 1
      entry="$copy"
    fi
    classpath="${classpath:+$classpath:}$entry"
  done
  [ -f "$out/classes/bench/META-INF/BenchmarkList" ] && [ -f "$out/classes/core/org/nabla4j/NDArray.class" ] \
    && [ -f "$out/classes/codegen/org/nabla4j/codegen/CodegenBackend.class" ]
}
# (other builds in the same tree can make this fail transiently: try a few times)
for attempt in 1 2 3 4 5; do
  snapshot && break
  [ "$attempt" -lt 5 ] || { echo "could not build and snapshot the classes 5 times" >&2; exit 1; }
  echo "== build or snapshot failed; retrying in 20 s"
  sleep 20
done
echo "== NumPy twins (1/2)"
numpy bench/numpy/twins.py $twins --json "$out/numpy-1.json"
matmul_twin 1
java_exe=${JAVA:-}
if [ -z "$java_exe" ]; then
  for home in ${JAVA_HOME:-} /usr/lib/jvm/*; do
    v=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1) || true
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then java_exe="$home/bin/java"; break; fi
  done
fi
[ -n "$java_exe" ] || { echo "no JDK >= 25 found; set JAVA=/path/to/java" >&2; exit 1; }
echo "== JMH: $bench $jmh_args ($java_exe)"
# JMH refuses to start while another JMH run holds /tmp/jmh.lock: wait for it (up to 15 minutes).
for attempt in $(seq 1 30); do
  status=0
  "$java_exe" --add-modules=jdk.incubator.vector --sun-misc-unsafe-memory-access=allow -cp "$classpath" \
    org.openjdk.jmh.Main "$bench" $jmh_args -rf json -rff "$out/jmh.json" 2>&1 | tee "$out/jmh.txt" || status=$?
  grep -q "Unable to acquire the JMH lock" "$out/jmh.txt" || break
  echo "== another JMH run holds the lock; retrying in 30 s ($attempt/30)"
  sleep 30
done
[ "$status" -eq 0 ] && [ -s "$out/jmh.json" ] || { echo "JMH failed (status $status); see $out/jmh.txt" >&2; exit 1; }
echo "== NumPy twins (2/2)"
numpy bench/numpy/twins.py $twins --json "$out/numpy-2.json"
matmul_twin 2
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
report=(python3 bench/report.py --jmh "$out/jmh.json" --numpy "$out"/numpy-*.json --out "$doc" \
  --load "$load_before" "$load_after" --seconds $(( $(date +%s) - start )) --commit "$commit")
echo "== ${report[*]}"
"${report[@]}"
echo "== wrote $doc"
