"""Independent NumPy implementations of the question bank's worked-example formulas.

Each module here covers one bank category and registers its functions with ``@formula``; the
function's keyword parameters are the example's input names. ``scripts/check_examples.py`` uses
the registry to recompute every ``[[question.example]]``. These are written separately from the
Rust implementations in ``crates/mlprep-formula`` so that the two act as independent checks.
"""

import importlib

REGISTRY = {}

CATEGORY_MODULES = (
    "fundamentals",
    "optimization",
    "losses_metrics",
    "cnn_cv",
    "transformers",
    "nlp_llm",
    "self_supervised",
    "generative",
    "sequence",
    "graph",
    "compression_serving",
    "safety_privacy",
    "distributed",
    "coding",
    "research",
    "classical_ml",
    "probability_stats",
    "system_design",
)


def formula(name):
    """Registers the decorated function as the implementation of ``name``."""

    def register(function):
        if name in REGISTRY:
            raise ValueError(f"formula {name!r} is registered twice")
        REGISTRY[name] = function
        return function

    return register


def load_all():
    """Imports every category module and returns the filled registry."""
    for module in CATEGORY_MODULES:
        importlib.import_module(f"{__name__}.{module}")
    return REGISTRY
