"""Test for coding/lr-schedule-function."""

import math


def check(ns):
    lr = ns["warmup_cosine_lr"]
    kw = dict(max_lr=3e-4, warmup_steps=2000, total_steps=10000, min_lr=3e-5)
    assert lr(0, **kw) == 0.0
    assert math.isclose(lr(500, **kw), 7.5e-5)
    assert math.isclose(lr(2000, **kw), 3e-4)                   # continuous at the join
    assert math.isclose(lr(1999, **kw), 3e-4 * 1999 / 2000)
    assert math.isclose(lr(6000, **kw), 1.65e-4)
    assert math.isclose(lr(10000, **kw), 3e-5) and math.isclose(lr(50000, **kw), 3e-5)
    values = [lr(s, **kw) for s in range(2000, 10001, 100)]
    assert all(a >= b for a, b in zip(values, values[1:]))      # non-increasing after warmup

    class FakeOpt:
        param_groups = [{"lr": 1.0}, {"lr": 2.0}]

    opt = FakeOpt()
    ns["set_lr"](opt, 0.123)
    assert all(g["lr"] == 0.123 for g in opt.param_groups)
