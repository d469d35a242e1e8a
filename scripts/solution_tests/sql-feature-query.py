"""Test for coding/sql-feature-query: against a brute-force, strictly-earlier computation."""

from datetime import datetime, timedelta

import numpy as np


def check(ns):
    rng = np.random.default_rng(0)
    start = datetime(2024, 1, 1)
    rows = []
    for e in range(300):
        user = int(rng.integers(0, 6))
        # whole-hour timestamps over 120 days, with some exact duplicates per user
        t = start + timedelta(hours=int(rng.integers(0, 120 * 24 // 6)) * 6)
        rows.append((e, user, t.strftime("%Y-%m-%d %H:%M:%S"), float(rng.integers(1, 100))))
    out = {r[0]: r for r in ns["user_features"](rows)}
    assert len(out) == len(rows)
    parsed = [(e, u, datetime.strptime(ts, "%Y-%m-%d %H:%M:%S"), a) for e, u, ts, a in rows]
    for e, u, t, a in parsed:
        prior = [(t2, a2) for e2, u2, t2, a2 in parsed if u2 == u and t2 < t]
        _, _, _, n_prior, avg, spend30, days = out[e]
        assert n_prior == len(prior)
        if prior:
            assert abs(avg - np.mean([p[1] for p in prior])) < 1e-9
            assert abs(days - (t - max(p[0] for p in prior)).total_seconds() / 86400) < 1e-6
        else:
            assert avg is None and days is None
        recent = [a2 for t2, a2 in prior if t2 >= t - timedelta(days=30)]
        assert abs(spend30 - sum(recent)) < 1e-9, (e, spend30, sum(recent))
