#!/usr/bin/env python3
"""Recomputes every worked example in the question bank with NumPy.

Reads content/**/*.toml, evaluates each [[question.example]] with the independent
implementations in scripts/formulas/ (one module per category), and compares the result with
`expected` within the example's absolute `tolerance`. Prints one line per mismatch, error or
unknown formula, then a closing line `N passed, M failed`; exits 1 if anything failed.

The Rust implementations in crates/mlprep-formula check the same examples; the two are kept
independent so that a mistake shared by an example and one implementation is still caught.

Usage: python3 scripts/check_examples.py [CONTENT_DIR]   (default: the repository's content/)
"""

import math
import sys
from pathlib import Path

import numpy as np

# No __pycache__ beside the scripts: the checkout stays clean.
sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bank_files import questions  # noqa: E402
from formulas import load_all  # noqa: E402


def to_plain(value):
    """NumPy scalars and arrays to Python numbers and (nested) lists."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    return value


def compare(expected, actual, tolerance, where=""):
    """None when `actual` matches `expected`, else a message locating the first difference."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        if type(expected) is not type(actual) or expected != actual:
            return f"{where}expected {expected!r}, got {actual!r}"
        return None
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        difference = abs(float(expected) - float(actual))
        if math.isnan(difference) or difference > tolerance:
            return f"{where}expected {expected!r}, got {actual!r} (off by {difference:.3g}, tolerance {tolerance:g})"
        return None
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return f"{where}expected {len(expected)} elements, got {len(actual)}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            message = compare(e, a, tolerance, f"{where}[{i}]")
            if message:
                return message
        return None
    return f"{where}expected {expected!r}, got {actual!r}"


def examples(content):
    """Yields (file, question id, example) for every worked example under `content`."""
    for path, question in questions(content):
        for example in question.get("example", []):
            yield path, question.get("id", "?"), example


def main(argv):
    root = Path(__file__).resolve().parent.parent
    content = Path(argv[1]) if len(argv) > 1 else root / "content"
    registry = load_all()
    passed = failed = 0
    for path, qid, example in examples(content):
        name = example.get("formula", "")
        place = f"{path.relative_to(content.parent) if path.is_relative_to(content.parent) else path}: {qid} ({name})"
        implementation = registry.get(name)
        if implementation is None:
            print(f"{place}: unknown formula {name!r}; add it to scripts/formulas/<category>.py")
            failed += 1
            continue
        try:
            with np.errstate(all="ignore"):
                actual = to_plain(implementation(**example.get("inputs", {})))
        except Exception as error:  # a bad example must be reported, not stop the run
            print(f"{place}: error: {type(error).__name__}: {error}")
            failed += 1
            continue
        message = compare(example.get("expected"), actual, float(example.get("tolerance", 0.0)))
        if message:
            print(f"{place}: {message}")
            failed += 1
        else:
            passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
