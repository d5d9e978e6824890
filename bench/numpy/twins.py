"""NumPy twins of the nabla4j JMH benchmarks (issue 5, workloads W1-W3 and W5-W7; issue 7, W8).

    python3 bench/numpy/twins.py                 # all workloads, a table on stdout
    python3 bench/numpy/twins.py w1 w3           # some of them
    python3 bench/numpy/twins.py --json out.json # also write the figures for bench/report.py

Timing: each case runs `number` calls per repeat (calibrated so a repeat lasts about
--repeat-seconds) after a warm-up repeat; the per-call time of each repeat is recorded and the
median is the figure (JMH's iterations are summarised the same way by bench/report.py).
Inputs follow the same distributions as bench/src/main/java/org/nabla4j/bench/Inputs.java.
"""
import argparse
import json
import platform
import statistics
import sys
import time

import numpy as np

from matmul import blas_state, openblas_lib  # the OpenBLAS probes of the W4 twin, next to this file

LR = np.float32(0.01)


def rng(seed):
    return np.random.default_rng(seed)


def uniform(seed, lo, hi, n):
    return rng(seed).uniform(lo, hi, n).astype(np.float32)


def normal(seed, scale, n):
    return (rng(seed).standard_normal(n) * scale).astype(np.float32)


# --- W1: sin(x) * y + exp(-x * x) ------------------------------------------------------------
def w1(n):
    x, y = uniform(1, -3, 3, n), uniform(2, -1, 1, n)
    return lambda: np.sin(x) * y + np.exp(-x * x)


# --- W2: sum(x * x) ----------------------------------------------------------------------------
def w2_sum(n=16_777_216):
    x = uniform(3, -1, 1, n)
    return lambda: np.sum(x * x)


def w2_dot(n=16_777_216):
    x = uniform(3, -1, 1, n)
    return lambda: np.dot(x, x)


# --- W3: row softmax ---------------------------------------------------------------------------
def softmax_rows(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def w3(rows=4096, cols=1024):
    x = normal(4, 2, rows * cols).reshape(rows, cols)
    return lambda: softmax_rows(x)


# --- W5: one SGD step of an MLP, hand-written backprop ------------------------------------------
def mlp_params(n_in=784, hidden=512, classes=10):
    return [normal(11, 1 / np.sqrt(n_in), n_in * hidden).reshape(n_in, hidden), np.zeros(hidden, np.float32),
            normal(12, 1 / np.sqrt(hidden), hidden * hidden).reshape(hidden, hidden), np.zeros(hidden, np.float32),
            normal(13, 1 / np.sqrt(hidden), hidden * classes).reshape(hidden, classes), np.zeros(classes, np.float32)]


def mlp_step(params, x, y):
    """Loss (mean softmax cross-entropy) and SGD-updated parameters of a tanh MLP with two hidden layers."""
    w1, b1, w2, b2, w3, b3 = params
    n = x.shape[0]
    h1 = np.tanh(x @ w1 + b1)
    h2 = np.tanh(h1 @ w2 + b2)
    logits = h2 @ w3 + b3
    m = logits.max(axis=1, keepdims=True)
    e = np.exp(logits - m)
    s = e.sum(axis=1, keepdims=True)
    rows = np.arange(n)
    loss = np.mean(np.log(s[:, 0]) + m[:, 0] - logits[rows, y])
    d_logits = e / s
    d_logits[rows, y] -= 1
    d_logits /= n
    d_h2 = (d_logits @ w3.T) * (1 - h2 * h2)
    d_h1 = (d_h2 @ w2.T) * (1 - h1 * h1)
    grads = [x.T @ d_h1, d_h1.sum(axis=0), h1.T @ d_h2, d_h2.sum(axis=0), h2.T @ d_logits, d_logits.sum(axis=0)]
    return loss, [p - LR * g for p, g in zip(params, grads)]


def w5(n_in=784, hidden=512, classes=10, batch=256):
    params = mlp_params(n_in, hidden, classes)
    x = uniform(14, 0, 1, batch * n_in).reshape(batch, n_in)
    y = rng(15).integers(0, classes, batch).astype(np.int32)
    return lambda: mlp_step(params, x, y)


# --- W6: per-sample gradients of logistic regression, closed form ------------------------------
def per_sample_grads(w, x, y):
    return (1 / (1 + np.exp(-(x @ w))) - y)[:, None] * x


def w6(n=1024, d=512):
    w = normal(21, 1, d)
    x = normal(22, 0.1, n * d).reshape(n, d)
    y = rng(23).integers(0, 2, n).astype(np.float32)
    return lambda: per_sample_grads(w, x, y)


# --- W7: x * 2 + 1 on 8 elements ---------------------------------------------------------------
def w7():
    x = np.arange(1, 9, dtype=np.float32)
    return lambda: x * 2 + 1


# --- W8: a recurrent network h = tanh(W h + x_t), a Python loop over 1,000 steps ----------------
def rnn(w, h, xs):
    for x in xs:
        h = np.tanh(w @ h + x)
    return h


def w8(hidden=64, steps=1000):
    w = normal(31, 1 / np.sqrt(hidden), hidden * hidden).reshape(hidden, hidden)
    h0 = np.zeros(hidden, np.float32)
    xs = normal(32, 1, steps * hidden).reshape(steps, hidden)
    return lambda: rnn(w, h0, xs)


def blas_threads_functions():
    """OpenBLAS's get/set thread-count functions, or (None, None)."""
    lib = openblas_lib()
    pick = lambda names: next((getattr(lib, n) for n in names if lib is not None and hasattr(lib, n)), None)
    return (pick(["scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_", "openblas_get_num_threads"]),
            pick(["scipy_openblas_set_num_threads64_", "openblas_set_num_threads64_", "openblas_set_num_threads"]))


CASES = {
    "w1_4m": ("W1 sin(x)*y + exp(-x*x), n=4,194,304", lambda: w1(4_194_304)),
    "w1_1k": ("W1 sin(x)*y + exp(-x*x), n=1,024", lambda: w1(1024)),
    "w2_sum": ("W2 np.sum(x*x), n=16,777,216", w2_sum),
    "w2_dot": ("W2 np.dot(x, x), n=16,777,216", w2_dot),
    "w3": ("W3 row softmax (4096, 1024)", w3),
    "w5": ("W5 MLP 784-512-512-10 SGD step, batch 256 (hand-written backprop)", w5),
    "w6": ("W6 per-sample logistic-regression gradients (1024x512), closed form", w6),
    "w7": ("W7 x*2+1 on 8 elements", w7),
    "w8": ("W8 h = tanh(W h + x_t), h=64, 1,000 steps (Python loop)", w8),
    # the BLAS-bound cases again with OpenBLAS at one thread, for comparison with nabla4j's single-threaded code
    # (keys ending in _1t run with OpenBLAS held to one thread, as nabla4j's code runs on one thread)
    "w2_dot_1t": ("W2 np.dot(x, x), n=16,777,216, OpenBLAS 1 thread", w2_dot),
    "w5_1t": ("W5 MLP SGD step, OpenBLAS 1 thread", w5),
    "w6_1t": ("W6 per-sample gradients closed form, OpenBLAS 1 thread", w6),
}


def measure(fn, repeats, repeat_seconds):
    fn()
    t = time.perf_counter()
    fn()
    once = max(time.perf_counter() - t, 1e-9)
    number = max(1, int(repeat_seconds / once))
    per_call = []
    for i in range(repeats + 1):  # the first repeat is a warm-up
        t = time.perf_counter()
        for _ in range(number):
            fn()
        elapsed = time.perf_counter() - t
        if i > 0:
            per_call.append(elapsed / number * 1e9)
    return {"median_ns": statistics.median(per_call), "min_ns": min(per_call), "max_ns": max(per_call),
            "repeats_ns": per_call, "calls_per_repeat": number}


def self_check():
    """The hand-written gradients of W5 and W6 against central finite differences (float64, small sizes)."""
    r = rng(99)
    params = [r.standard_normal(s) * 0.5 for s in [(5, 4), (4,), (4, 4), (4,), (4, 3), (3,)]]
    x, y = r.uniform(0, 1, (6, 5)), r.integers(0, 3, 6)
    lr = float(LR)
    _, updated = mlp_step(params, x, y)
    loss = lambda ps: mlp_step(ps, x, y)[0]
    for k, p in enumerate(params):
        for i in np.ndindex(p.shape):
            plus = [q.copy() for q in params]
            minus = [q.copy() for q in params]
            plus[k][i] += 1e-6
            minus[k][i] -= 1e-6
            fd = (loss(plus) - loss(minus)) / 2e-6
            analytic = (p[i] - updated[k][i]) / lr
            assert abs(fd - analytic) < 1e-6, ("w5", k, i, fd, analytic)
    w, xs, ys = r.standard_normal(4), r.standard_normal((3, 4)), np.array([0.0, 1.0, 1.0])
    g = per_sample_grads(w, xs, ys)
    for s in range(3):
        f = lambda v: np.logaddexp(0, xs[s] @ v) - ys[s] * (xs[s] @ v)
        for j in range(4):
            e = np.zeros(4)
            e[j] = 1e-6
            assert abs((f(w + e) - f(w - e)) / 2e-6 - g[s, j]) < 1e-6, ("w6", s, j)
    print("self-check: W5 backprop and W6 closed form match finite differences")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cases", nargs="*", help="w1 w2 w3 w5 w6 w7 w8 or exact keys (%s); default all" % ", ".join(CASES))
    ap.add_argument("--json", help="write results to this file")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--repeat-seconds", type=float, default=0.25)
    ap.add_argument("--check", action="store_true", help="check the W5 and W6 gradients against finite differences, then exit")
    a = ap.parse_args()
    if a.check:
        self_check()
        return 0
    keys = [k for k in CASES if not a.cases or any(k == c or k.split("_")[0] == c for c in a.cases)]
    unknown = [c for c in a.cases if not any(k == c or k.split("_")[0] == c for k in CASES)]
    if unknown:
        ap.error("unknown case(s) %s; known: %s" % (", ".join(unknown), ", ".join(CASES)))
    results = {}
    for k in keys:
        title, make = CASES[k]
        get_threads, set_threads = blas_threads_functions()
        one_thread = k.endswith("_1t")
        if one_thread and set_threads is None:
            print(f"{k:7s} skipped: cannot set the OpenBLAS thread count", flush=True)
            continue
        before = get_threads() if one_thread else None
        if one_thread:
            set_threads(1)
        try:
            r = measure(make(), a.repeats, a.repeat_seconds)
        finally:
            if one_thread:
                set_threads(before)
        r["title"] = title
        results[k] = r
        print(f"{k:7s} {r['median_ns'] / 1e3:12.3f} us  (min {r['min_ns'] / 1e3:.3f})  {title}", flush=True)
    meta = {"numpy": np.__version__, "python": platform.python_version(), "openblas": blas_state(),
            "repeats": a.repeats, "repeat_seconds": a.repeat_seconds}
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"meta": meta, "results": results}, f, indent=1)
    else:
        print(json.dumps(meta))


if __name__ == "__main__":
    sys.exit(main())
