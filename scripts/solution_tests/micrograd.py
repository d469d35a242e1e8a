"""Test for coding/micrograd: gradients against central differences, fan-out, accumulation."""

import math


def check(ns):
    Value = ns["Value"]

    a, b = Value(2.0), Value(-3.0)
    c = a * b + a                      # fan-out: dc/da = b + 1
    c.backward()
    assert c.data == -4.0 and a.grad == -2.0 and b.grad == 2.0, (a.grad, b.grad)

    def expr(x, y, z):
        return (((x * y + z) ** 2).tanh() * 3 - x / y + 2 * z - (1 - x)).data

    def build(x, y, z):
        return ((x * y + z) ** 2).tanh() * 3 - x / y + 2 * z - (1 - x)

    point = (0.3, -1.2, 0.5)
    nodes = [Value(v) for v in point]
    out = build(*nodes)
    out.backward()
    h = 1e-6
    for i in range(3):
        up = [Value(v + (h if j == i else 0.0)) for j, v in enumerate(point)]
        down = [Value(v - (h if j == i else 0.0)) for j, v in enumerate(point)]
        numeric = (expr(*up) - expr(*down)) / (2 * h)
        assert math.isclose(nodes[i].grad, numeric, rel_tol=1e-6, abs_tol=1e-8), (i, nodes[i].grad, numeric)

    # a shared subexpression used twice
    x = Value(1.5)
    s = x * x
    t = s + s * s                      # t = x^2 + x^4, dt/dx = 2x + 4x^3
    t.backward()
    assert math.isclose(x.grad, 2 * 1.5 + 4 * 1.5**3)
