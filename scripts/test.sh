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

cargo test --workspace --locked
