#!/usr/bin/env python3
"""Runs every reference solution in the question bank.

Reads content/**/*.toml and checks each [[question.solution]]:

- A PyTorch solution (its code imports torch) is compiled only, since CI has no torch.
- A pandas solution is run like a NumPy one where pandas is installed, and compiled only where it
  is not (CI installs NumPy only); its test file is required either way.
- Every other solution (NumPy or plain Python) is compiled and executed into a fresh namespace,
  then tested by scripts/solution_tests/<slug>.py, where <slug> is the part of the question id
  after the slash (<slug>-2.py, <slug>-3.py, ... for a question's second, third, ... such
  solution). A test file imports nothing from the bank: it defines `check(ns)`, which receives the
  namespace the solution's code was executed into and asserts on the functions found there.
  A solution without its test file fails, and so does a test file without its solution.

Prints one line per failure, then a closing line `N passed, M failed`; exits 1 if anything
failed.

Usage: python3 scripts/check_solutions.py [CONTENT_DIR]   (default: the repository's content/)
"""

import importlib.util
import re
import signal
import sys
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bank_files import questions  # noqa: E402

# No __pycache__ beside the scripts: the checkout stays clean.
sys.dont_write_bytecode = True

TESTS = Path(__file__).resolve().parent / "solution_tests"
TIME_LIMIT_S = 60  # per solution: execution plus its test
TORCH_IMPORT = re.compile(r"^\s*(import\s+torch\b|from\s+torch\b)", re.MULTILINE)
PANDAS_IMPORT = re.compile(r"^\s*(import\s+pandas\b|from\s+pandas\b)", re.MULTILINE)
HAVE_PANDAS = importlib.util.find_spec("pandas") is not None


class TimeLimit(Exception):
    pass


def on_alarm(signum, frame):
    raise TimeLimit(f"took longer than {TIME_LIMIT_S} s")


def solutions(content):
    """Yields (file, question id, index among its executed solutions or None, solution)."""
    for path, question in questions(content):
        executed = 0
        for solution in question.get("solution", []):
            if TORCH_IMPORT.search(solution.get("code", "")):
                yield path, question.get("id", "?"), None, solution
            else:
                executed += 1
                yield path, question.get("id", "?"), executed, solution


def test_file(qid, index):
    slug = qid.split("/", 1)[-1]
    return TESTS / (f"{slug}.py" if index == 1 else f"{slug}-{index}.py")


def load_test(path):
    spec = importlib.util.spec_from_file_location(f"solution_test_{path.stem.replace('-', '_')}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_one(qid, index, code, name):
    """None when the solution passes, else a one-line reason."""
    try:
        compiled = compile(code, name, "exec")
    except SyntaxError as error:
        return f"does not compile: {error.msg} (line {error.lineno})"
    if index is None:
        return None  # PyTorch: compiled only
    path = test_file(qid, index)
    if not path.is_file():
        return f"no test: write {path.relative_to(TESTS.parent.parent)} with a check(ns) function"
    if PANDAS_IMPORT.search(code) and not HAVE_PANDAS:
        return None  # pandas is not installed here: compiled only
    namespace = {"__name__": f"solution:{qid}"}
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(TIME_LIMIT_S)
    try:
        exec(compiled, namespace)
        test = load_test(path)
        if not callable(getattr(test, "check", None)):
            return f"{path.name} defines no check(ns) function"
        test.check(namespace)
    except Exception as error:  # a failing solution is reported, not allowed to stop the run
        frames = traceback.extract_tb(error.__traceback__)
        where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
        return f"{type(error).__name__}{where}: {error}".rstrip(": ")
    finally:
        signal.alarm(0)
    return None


def main(argv):
    root = Path(__file__).resolve().parent.parent
    content = Path(argv[1]) if len(argv) > 1 else root / "content"
    passed = failed = 0
    expected_tests = set()
    for path, qid, index, solution in solutions(content):
        where = path.relative_to(content.parent) if path.is_relative_to(content.parent) else path
        place = f"{where}: {qid} (solution{'' if index is None else ' ' + str(index)})"
        if solution.get("language") != "python":
            print(f"{place}: language is {solution.get('language')!r}; only python is checked")
            failed += 1
            continue
        if index is not None:
            expected_tests.add(test_file(qid, index).name)
        reason = run_one(qid, index, solution.get("code", ""), f"<{qid}>")
        if reason:
            print(f"{place}: {reason}")
            failed += 1
        else:
            passed += 1
    # Only when checking the repository's own bank: every test file must have its solution.
    if content == root / "content" and TESTS.is_dir():
        for stray in sorted(p.name for p in TESTS.glob("*.py") if p.name not in expected_tests):
            print(f"scripts/solution_tests/{stray}: no NumPy solution in the bank uses this test")
            failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
