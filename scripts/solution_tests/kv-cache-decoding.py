"""Test for coding/kv-cache-decoding: cached decoding equals full recomputation."""

import numpy as np


def check(ns):
    rng = np.random.default_rng(0)
    layer = ns["CausalSelfAttention"](16, 4, rng)
    x = rng.normal(size=(9, 16))
    for prompt_len in (1, 4, 9):
        assert ns["generate_check"](layer, x, prompt_len), prompt_len
    # causality of the reference: changing a later token leaves earlier outputs unchanged
    y = x.copy()
    y[6] += 1.0
    assert np.allclose(layer.forward_full(x)[:6], layer.forward_full(y)[:6])
    assert not np.allclose(layer.forward_full(x)[6], layer.forward_full(y)[6])
    # the cache length advances and prefill of several tokens then decode of several tokens works
    cache = layer.new_cache(9)
    a = layer.forward_cached(x[:3], cache)
    b = layer.forward_cached(x[3:5], cache)
    assert cache["len"] == 5
    assert np.allclose(np.concatenate([a, b]), layer.forward_full(x[:5]))
