#!/usr/bin/env bash
# Compares mlprep's sentence embeddings with the Python sentence-transformers reference on the
# same weights and sentences, and prints the largest absolute difference per element.
# Usage: bash bench/compare-embeddings.sh [SENTENCES_FILE]   (needs the model: mlprep model install)
set -euo pipefail
cd "$(dirname "$0")/.."
sentences=${1:-bench/sentences.txt}
python=$(bash bench/setup-reference.sh | tail -n 1)
cargo build --release --quiet
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
./target/release/mlprep model embed "$sentences" > "$out/mlprep.json"
"$python" bench/reference.py embed "$sentences" > "$out/reference.json"
"$python" - "$out/mlprep.json" "$out/reference.json" <<'PY'
import json, sys
import numpy as np
a = np.array(json.load(open(sys.argv[1])))
b = np.array(json.load(open(sys.argv[2])))
assert a.shape == b.shape, (a.shape, b.shape)
diff = np.abs(a - b)
print(f"sentences={a.shape[0]} dim={a.shape[1]} max_abs_diff={diff.max():.3e} mean_abs_diff={diff.mean():.3e}")
PY
