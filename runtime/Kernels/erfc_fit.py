"""Coefficients of NetGen's erfc (runtime/Kernels/SmoothActivations.cs, SmoothMath.LowerTail).

erfc(t) = e^(-t^2) G(t) for t >= 0, with G(t) = erfc(t) e^(t^2) smooth and between 0.05 and 1 on [0, 10].
G is approximated by a polynomial in s, an affine map of y = 1 / (1 + t / 4) from [y(10), 1] onto [-1, 1]: the
Chebyshev interpolant at 48 nodes (50 digits, mpmath), truncated to its first 22 terms, then written in the monomial
basis of s for the runtime, which evaluates it by Estrin's scheme. Run with a python3 that has mpmath (Debian:
python3-mpmath); prints the constants and the largest relative error of the series, evaluated in double by Clenshaw's
recurrence and by Estrin's scheme as the runtime does, against mpmath on 20,001 points of [0, 10].
"""
import mpmath as mp

mp.mp.dps = 50
P, T_MAX, NODES, KEPT = mp.mpf(1) / 4, mp.mpf(10), 48, 22
Y_MIN = 1 / (1 + P * T_MAX)

def g(t):
    return mp.erfc(t) * mp.exp(t * t)

def g_of_s(s):
    y = (s * (1 - Y_MIN) + (1 + Y_MIN)) / 2
    return g((1 / y - 1) / P)

nodes = [mp.cos(mp.pi * (k + mp.mpf(1) / 2) / NODES) for k in range(NODES)]
values = [g_of_s(x) for x in nodes]
coefficients = []
for j in range(NODES):
    c = 2 * mp.fsum(values[k] * mp.cos(mp.pi * j * (k + mp.mpf(1) / 2) / NODES) for k in range(NODES)) / NODES
    coefficients.append(c / 2 if j == 0 else c)
kept = [float(c) for c in coefficients[:KEPT]]
scale = float(2 / (1 - Y_MIN))
offset = float(-(1 + Y_MIN) / (1 - Y_MIN))
y_min = float(Y_MIN)

def g_double(t):
    y = max(1.0 / (1.0 + 0.25 * t), y_min)
    s = y * scale + offset
    b1 = b2 = 0.0
    for c in reversed(kept[1:]):
        b1, b2 = c + 2 * s * b1 - b2, b1
    return kept[0] + s * b1 - b2

worst = 0
for i in range(20001):
    t = mp.mpf(10) * i / 20000
    exact = g(t)
    worst = max(worst, abs((g_double(float(t)) - exact) / exact))
print(f"y_min = {y_min!r}; scale = {scale!r}; offset = {offset!r}")
print("coefficients =", ", ".join(repr(c) for c in kept))
print("first dropped:", mp.nstr(coefficients[KEPT], 3), mp.nstr(coefficients[KEPT + 1], 3))
print("largest relative error on [0, 10]:", mp.nstr(worst, 3))

# The runtime evaluates the series by Estrin's scheme in the monomial basis of s (a shorter chain of multiply-adds than
# Clenshaw's recurrence): the same polynomial, its coefficients converted exactly, then rounded once to double. Their
# magnitudes sum to 1.0, so in double the monomial form loses at most about the factor by which that sum exceeds G
# (G(10) = 0.056: 18x at t = 10, little for t below 3).
monomial = [mp.mpf(0)] * KEPT
chebyshev = [[mp.mpf(1)], [mp.mpf(0), mp.mpf(1)]]
for j in range(2, KEPT):
    t_j = [mp.mpf(0)] * (j + 1)
    for i, v in enumerate(chebyshev[j - 1]):
        t_j[i + 1] += 2 * v
    for i, v in enumerate(chebyshev[j - 2]):
        t_j[i] -= v
    chebyshev.append(t_j)
for j in range(KEPT):
    for i, v in enumerate(chebyshev[j]):
        monomial[i] += coefficients[j] * v
monomial = [float(v) for v in monomial]

def estrin(s):
    a = monomial
    s2 = s * s; s4 = s2 * s2; s8 = s4 * s4; s16 = s8 * s8
    q = [a[2 * i] + a[2 * i + 1] * s for i in range(11)]
    r = [q[0] + q[1] * s2, q[2] + q[3] * s2, q[4] + q[5] * s2, q[6] + q[7] * s2, q[8] + q[9] * s2, q[10]]
    u = [r[0] + r[1] * s4, r[2] + r[3] * s4, r[4] + r[5] * s4]
    return (u[0] + u[1] * s8) + u[2] * s16

worst = 0
worst3 = 0
for i in range(20001):
    t = mp.mpf(10) * i / 20000
    y = max(1.0 / (1.0 + 0.25 * float(t)), y_min)
    err = abs((estrin(y * scale + offset) - g(t)) / g(t))
    worst = max(worst, err)
    if t <= 3:
        worst3 = max(worst3, err)
print("monomial =", ", ".join(repr(c) for c in monomial))
print("Estrin, largest relative error on [0, 10]:", mp.nstr(worst, 3), "on [0, 3]:", mp.nstr(worst3, 3))
