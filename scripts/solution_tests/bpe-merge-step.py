"""Test for coding/bpe-merge-step."""

from collections import Counter


def check(ns):
    words = Counter({("h", "u", "g"): 10, ("p", "u", "g"): 5, ("p", "u", "n"): 12,
                     ("b", "u", "n"): 4, ("h", "u", "g", "s"): 5})
    counts = ns["pair_counts"](words)
    assert counts[("u", "g")] == 20 and counts[("p", "u")] == 17 and counts[("u", "n")] == 16
    merged = ns["merge_pair"](words, ("u", "g"))
    assert merged[("h", "ug")] == 10 and merged[("h", "ug", "s")] == 5 and merged[("p", "u", "n")] == 12
    assert sum(merged.values()) == sum(words.values())
    # overlapping pairs merge left to right
    assert ns["merge_pair"](Counter({("a", "a", "a"): 1}), ("a", "a")) == Counter({("aa", "a"): 1})

    merges = ns["train_bpe"]({"hug": 10, "pug": 5, "pun": 12, "bun": 4, "hugs": 5}, 4)
    assert merges[0] == ("u", "g"), merges
    assert len(merges) == 4
    assert ns["encode"]("hugs", merges)[:2] != ["h", "u"]       # 'ug' was learned
    # encoding replays merges in learned order, not by frequency in the new word
    order = [("b", "c"), ("a", "b")]
    assert ns["encode"]("abc", order, end="#") == ["a", "bc", "#"]
    assert ns["encode"]("abc", order[::-1], end="#") == ["ab", "c", "#"]
    assert ns["encode"]("xyz", merges) == ["x", "y", "z", "</w>"]
