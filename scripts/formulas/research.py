"""research: sample size to estimate a proportion."""

from . import formula


@formula("sample_size_proportion")
def sample_size_proportion(p, margin, z=1.96):
    return (z / margin) ** 2 * p * (1 - p)
