"""Test for coding/pandas-feature-engineering: against a brute-force, strictly-earlier computation.
Runs only where pandas is installed (the checker compiles the solution otherwise)."""

from datetime import datetime, timedelta

import numpy as np


def check(ns):
    import pandas as pd

    rng = np.random.default_rng(1)
    start = datetime(2024, 1, 1)
    rows = []
    for e in range(250):
        user = int(rng.integers(0, 5))
        t = start + timedelta(hours=int(rng.integers(0, 100 * 4)) * 6)      # duplicates per user
        rows.append((e, user, t, float(rng.integers(1, 50))))
    events = pd.DataFrame(rows, columns=["event_id", "user_id", "ts", "amount"]).sample(frac=1, random_state=0)
    out = ns["add_user_features"](events).set_index("event_id")
    assert len(out) == len(rows)
    for e, u, t, a in rows:
        prior = [(t2, a2) for _, u2, t2, a2 in rows if u2 == u and t2 < t]
        r = out.loc[e]
        assert r["n_prior"] == len(prior)
        recent = sum(a2 for t2, a2 in prior if t2 >= t - timedelta(days=30))
        assert abs(r["amount_prior_30d"] - recent) < 1e-9, (e, r["amount_prior_30d"], recent)
        if prior:
            assert abs(r["avg_prior_amount"] - np.mean([p[1] for p in prior])) < 1e-9
            assert abs(r["days_since_prev"] - (t - max(p[0] for p in prior)).total_seconds() / 86400) < 1e-9
        else:
            assert np.isnan(r["avg_prior_amount"]) and np.isnan(r["days_since_prev"])
