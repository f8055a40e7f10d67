"""Exact queueing formulas the simulator is checked against (rates per minute, times in minutes).

* M/M/c (Erlang C): probability of waiting, mean wait, wait tail, mean number waiting.
* M/M/c+M (Erlang A, exponential patience with rate ``theta``): a birth-death chain truncated at
  a large population ``n_max``; abandonment share and mean wait of served customers (FIFO).
* M/M/c+D (deterministic patience ``T``, customers whose offered wait exceeds ``T`` leave the
  queue at ``T``): the exact distribution of the offered (virtual) wait ``V``. For FIFO service a
  customer who leaves at ``T`` never delays anyone behind him, so ``P(V > T)`` is the share that
  leaves (here: escalates to the town).

Example: a village with c = 2 volunteers, 0.05 orders a minute and 30-minute jobs (rho = 0.75)
makes an order wait with probability ``erlang_c(2, 1.5)`` = 0.643.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special


def erlang_c(c: int, a: float) -> float:
    """P(wait > 0) in M/M/c with offered load ``a = lambda / mu`` erlangs (requires a < c)."""
    if a >= c:
        return 1.0
    # Erlang B by the stable recursion, then C = B / (1 - rho (1 - B))
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    rho = a / c
    return b / (1 - rho * (1 - b))


def mmc_mean_wait(lam: float, mu: float, c: int) -> float:
    """Mean wait in queue of M/M/c (minutes)."""
    return erlang_c(c, lam / mu) / (c * mu - lam)


def mmc_wait_tail(lam: float, mu: float, c: int, t: float) -> float:
    """P(wait > t) in M/M/c with FIFO service."""
    return erlang_c(c, lam / mu) * math.exp(-(c * mu - lam) * t)


def mmc_mean_waiting(lam: float, mu: float, c: int) -> float:
    """Time-average number waiting in M/M/c (Little: lambda x mean wait)."""
    return lam * mmc_mean_wait(lam, mu, c)


def _erlang_a_chain(lam: float, mu: float, c: int, theta: float, n_max: int) -> np.ndarray:
    """Stationary probabilities of the number in system of M/M/c+M, states 0..n_max."""
    log_p = np.zeros(n_max + 1)
    for n in range(1, n_max + 1):
        death = min(n, c) * mu + max(n - c, 0) * theta
        log_p[n] = log_p[n - 1] + math.log(lam) - math.log(death)
    return np.exp(log_p - special.logsumexp(log_p))


def erlang_a(lam: float, mu: float, c: int, theta: float, n_max: int = 2000) -> dict[str, float]:
    """M/M/c+M: share abandoning, mean wait of served customers, mean wait of all (FIFO).

    An arrival finding ``n >= c`` in the system is at queue position ``k = n - c + 1``; from
    position ``j`` it moves up at rate ``c mu + (j - 1) theta`` and abandons at rate ``theta``,
    so it is served with probability ``prod_j a_j / (a_j + theta)`` and its time at each position
    is exponential with rate ``a_j + theta`` whichever way it leaves.
    """
    p = _erlang_a_chain(lam, mu, c, theta, n_max)
    queue = np.arange(n_max + 1) - c
    mean_queue = float((np.clip(queue, 0, None) * p).sum())
    k_max = n_max - c + 1
    j = np.arange(1, k_max + 1)
    advance = c * mu + (j - 1) * theta
    rate = advance + theta
    served_given_k = np.cumprod(advance / rate)
    time_given_k = np.cumsum(1.0 / rate)
    p_queue = p[c:]  # arrival sees n = c .. n_max, position k = 1 .. k_max
    served = float(p[:c].sum() + (p_queue * served_given_k).sum())
    wait_served = float((p_queue * served_given_k * time_given_k).sum()) / served
    return {
        "abandon": 1.0 - served,
        "mean_wait_served": wait_served,
        "mean_wait_all": mean_queue / lam,
        "mean_waiting": mean_queue,
    }


def mmc_d(lam: float, mu: float, c: int, timeout: float) -> dict[str, float]:
    """M/M/c+D: P(V > T) (the share leaving at T), P(V > 0), E[min(V, T)] and the mean number
    waiting, from the exact density of the offered wait V.

    With ``pi_{c-1}`` the probability of c - 1 busy servers, V has density
    ``lam pi_{c-1} exp(-(c mu - lam) v)`` on (0, T) and ``lam pi_{c-1} exp(lam T - c mu v)``
    beyond T (level crossing: an arrival joins only while V <= T and adds an Exp(c mu) wait).
    """
    a, delta = lam / mu, c * mu - lam
    pi = np.array([a**n / math.factorial(n) for n in range(c)])
    f0 = lam * pi[c - 1]

    def body(t: float) -> float:  # integral of exp(-delta v) over (0, t)
        return t if abs(delta) < 1e-12 else (1 - math.exp(-delta * t)) / delta

    tail = f0 * math.exp(-delta * timeout) / (c * mu)
    total = pi.sum() + f0 * body(timeout) + tail
    # E[min(V, T)] = integral over (0, T) of P(V > v) dv, and integral of body(v) over (0, T)
    t = timeout
    body_integral = t * t / 2 if abs(delta) < 1e-12 else (t - body(t)) / delta
    mean_min = (f0 * (t * body(t) - body_integral) + tail * t) / total
    return {
        "leave": tail / total,
        "wait_positive": 1 - pi.sum() / total,
        "mean_wait_capped": mean_min,
        "mean_waiting": lam * mean_min,
    }
