"""The error function over NumPy arrays, to float64 precision, without SciPy.

BERT's GELU is the exact form ``x * (1 + erf(x / sqrt(2))) / 2`` (transformers' ``gelu``,
PyTorch's ``nn.GELU()``), so a forward pass in NumPy needs ``erf``. NumPy has none;
``scipy.special.erf`` has one, but importing SciPy costs about 0.5 s of CPU here, a fifth of
what a command line search may take in all (bench/RESULTS.md), and ``math.erf`` works on one
number at a time (about 15 ms per query, seconds per batch of passages).

So :func:`erf` is ``math.erf`` (the C library's, correct to about one unit in the last
place) interpolated piecewise: on each of :data:`PIECES` intervals of ``[0, LIMIT]`` a
Chebyshev interpolant of degree :data:`DEGREE`, built at import from ``math.erf`` at the
Chebyshev points (no constants copied by hand; a few milliseconds) and evaluated by
Horner's rule in the interval's own coordinate. Beyond ``LIMIT``
erf is 1 in float64 (erfc(6) is 2e-17); erf is odd. The largest error against ``math.erf``
is under 1e-14 (``tests/test_numpy_bert.py`` checks it on a dense grid), ten million times
below what float32 resolves near 1.

What it does not do: complex numbers, or float32 arithmetic (the result is float64).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.polynomial import chebyshev

LIMIT = 6.0
"""erf(x) is 1.0 in float64 for x >= LIMIT."""
PIECES = 48
"""Intervals of equal width on [0, LIMIT]."""
DEGREE = 8
"""Degree of the interpolant on each interval."""

_WIDTH = LIMIT / PIECES


def _coefficients() -> np.ndarray:
    """[DEGREE + 1, PIECES]: row j holds the t**j coefficient of every interval's polynomial.

    On interval k, x = (k + (t + 1) / 2) * width with t in [-1, 1]. The interpolant through
    the Chebyshev points is found in the Chebyshev basis (a discrete cosine sum: well
    conditioned), then rewritten in powers of t for Horner's rule.
    """
    n = DEGREE + 1
    nodes = np.cos(np.pi * (np.arange(n) + 0.5) / n)  # Chebyshev points of the first kind
    starts = np.arange(PIECES) * _WIDTH
    values = np.array([[math.erf(s + (t + 1.0) * _WIDTH / 2.0) for s in starts] for t in nodes])
    basis = np.cos(np.outer(np.arange(n), np.pi * (np.arange(n) + 0.5) / n))  # T_j(node_k)
    in_chebyshev = basis @ values * (2.0 / n)
    in_chebyshev[0] /= 2.0
    # cheb2poly drops trailing coefficients that are exactly zero: the rest stay zero.
    to_powers = np.zeros((n, n))
    for j in range(n):
        powers = chebyshev.cheb2poly(np.eye(n)[j])
        to_powers[: len(powers), j] = powers
    return to_powers @ in_chebyshev


_COEFFICIENTS = _coefficients()


def erf(x: np.ndarray) -> np.ndarray:
    """The error function of every element of ``x``, as float64 (error under 1e-14).

    See the module doc for how; NaN stays NaN, and +-inf give +-1.
    """
    z = np.asarray(x, dtype=np.float64)
    scaled = np.minimum(np.abs(z), LIMIT) / _WIDTH
    with np.errstate(invalid="ignore"):  # NaN: any piece will do, t stays NaN
        piece = np.clip(scaled.astype(np.intp), 0, PIECES - 1)
    t = (scaled - piece) * 2.0 - 1.0
    result = _COEFFICIENTS[DEGREE][piece]
    for row in _COEFFICIENTS[DEGREE - 1 :: -1]:
        result *= t
        result += row[piece]
    np.minimum(result, 1.0, out=result)  # the last piece ends a rounding error above 1
    return np.copysign(result, z)


BLOCK = 1 << 16
"""Elements per step of :func:`gelu`: its float64 temporaries stay in the CPU's cache."""


def gelu(x: np.ndarray) -> np.ndarray:
    """The exact GELU, ``x * (1 + erf(x / sqrt(2))) / 2``, as float32 (float64 inside)."""
    flat = np.ascontiguousarray(x, dtype=np.float32).reshape(-1)
    out = np.empty_like(flat)
    for start in range(0, flat.size, BLOCK):
        wide = flat[start : start + BLOCK].astype(np.float64)
        out[start : start + BLOCK] = wide * (1.0 + erf(wide * math.sqrt(0.5))) * 0.5
    return out.reshape(np.shape(x))
