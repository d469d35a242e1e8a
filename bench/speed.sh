#!/usr/bin/env bash
# Grading speed, side by side with the Python sentence-transformers reference doing the same
# work on the same weights (encode the answer's tokens, align them with cached key points):
#   1. warm: median time to grade one ~120-word answer against 5 key points;
#   2. cold: median wall time of a whole `mlprep grade` process against a whole Python process
#      that loads the model and grades once;
#   3. peak resident memory of `mlprep grade`.
# Prints ratios. Usage: bash bench/speed.sh [RUNS]   (needs the model: mlprep model install)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-50}
question=fundamentals/softmax-stability
answer=bench/answers/softmax-typical.txt
python=$(bash bench/setup-reference.sh | tail -n 1)
cargo build --release --quiet
bin=./target/release/mlprep
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
$bin show "$question" --json > "$tmp/q.json"
"$python" -c 'import json,sys; q=json.load(open(sys.argv[1])); json.dump([k["text"] for k in q["key_points"]], open(sys.argv[2],"w"))' "$tmp/q.json" "$tmp/points.json"

ours=$($bin bench speed -q "$question" --answer-file "$answer" --runs "$runs" --json)
theirs=$("$python" bench/reference.py speed "$answer" "$tmp/points.json" "$runs")
"$python" - "$ours" "$theirs" <<'PY'
import json, sys
ours, theirs = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"warm grade, median over {ours['runs']} runs: mlprep {ours['median_ms']:.2f} ms "
      f"(p95 {ours['p95_ms']:.2f}), python reference {theirs['median_ms']:.2f} ms, "
      f"ratio reference/mlprep = {theirs['median_ms'] / ours['median_ms']:.2f}")
PY

cold() { # median wall seconds of 3 runs of a command
  "$python" - "$@" <<'PY'
import statistics, subprocess, sys, time
times = []
for _ in range(3):
    start = time.perf_counter()
    subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append(time.perf_counter() - start)
print(statistics.median(times))
PY
}
ours_cold=$(cold $bin grade -q "$question" --answer-file "$answer")
theirs_cold=$(cold "$python" bench/reference.py grade-once "$answer" "$tmp/points.json")
"$python" -c "import sys; o,t=float(sys.argv[1]),float(sys.argv[2]); print(f'cold process, median of 3: mlprep grade {o*1000:.0f} ms, python reference {t*1000:.0f} ms, ratio {t/o:.1f}x')" "$ours_cold" "$theirs_cold"

peak=$(/usr/bin/time -f '%M' $bin grade -q "$question" --answer-file "$answer" 2>&1 >/dev/null | tail -n 1)
echo "peak resident memory of mlprep grade: $((peak / 1024)) MB"
