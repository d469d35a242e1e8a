"""Test for coding/edit-distance."""

import itertools


def check(ns):
    ed = ns["edit_distance"]
    assert ed("kitten", "sitting") == 3
    assert ed("", "abc") == 3 and ed("abc", "") == 3 and ed("", "") == 0
    assert ed("flaw", "lawn") == 2
    assert ed("the cat sat on the mat".split(), "the cat sit on mat".split()) == 2
    assert ns["edit_operations"]("the cat sat on the mat".split(), "the cat sit on mat".split()) == (1, 1, 0)
    assert ns["edit_operations"]("abc", "abxcd") == (0, 0, 2)
    # symmetric, and the operation counts add up to the distance
    for a, b in itertools.product(["", "a", "ab", "ba", "abc", "acb", "aab"], repeat=2):
        assert ed(a, b) == ed(b, a)
        assert sum(ns["edit_operations"](a, b)) == ed(a, b)
    wer = ns["word_error_rate"](["the cat sat on the mat", "hello world"], ["the cat sit on mat", "hello there world"])
    assert abs(wer - 3 / 8) < 1e-12
    assert ns["word_error_rate"](["a"], ["b c d"]) == 3.0          # can exceed 100%
