"""NumPy twin of MatmulBench (W4): np.matmul of two (1024, 1024) matrices, f32 and f64, with
OpenBLAS held to 1 and then 2 threads; prints GFLOP/s (2 * 1024^3 / time).

    python3 bench/numpy/matmul.py                  # all four cases
    python3 bench/numpy/matmul.py --json out.json  # also write the figures for bench/report.py
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 bench/numpy/matmul.py   # see below

Threads: with threadpoolctl installed it limits the BLAS pool in this process; without it each
thread count runs in a child process started with OPENBLAS_NUM_THREADS set (OpenBLAS reads it
only when it loads). Some machines set OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE to work around old
OpenBLAS bugs; they make a current NumPy slower, so benchmark with both unset in that command
only. The core OpenBLAS picked is printed with each figure.

Timing mirrors JMH's -wi 3 -w 2s -i 5 -r 2s: warm-up repeats, then repeats of back-to-back calls
into a preallocated output (np.matmul(a, b, out=c)); the figure is the median repeat. JSON keys
match the JMH names: w4_matmul_<dtype>_<threads>.
"""
import argparse
import ctypes
import glob
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np

N = 1024
FLOP = 2 * N ** 3
DTYPES = {"f32": np.float32, "f64": np.float64}


def openblas_lib():
    for path in glob.glob(os.path.join(os.path.dirname(np.__file__), "..", "numpy.libs", "*openblas*")):
        try:
            return ctypes.CDLL(path)
        except OSError:
            pass
    return None


def blas_call(lib, names, restype):
    for name in names:
        if lib is not None and hasattr(lib, name):
            f = getattr(lib, name)
            f.restype = restype
            v = f()
            return v.decode() if isinstance(v, bytes) else v
    return None


def blas_state():
    """The OpenBLAS core and thread count this process uses, read from the library itself."""
    lib = openblas_lib()
    return {"corename": blas_call(lib, ["scipy_openblas_get_corename64_", "openblas_get_corename64_", "openblas_get_corename"], ctypes.c_char_p),
            "threads": blas_call(lib, ["scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_", "openblas_get_num_threads"], ctypes.c_int),
            "config": blas_call(lib, ["scipy_openblas_get_config64_", "openblas_get_config64_", "openblas_get_config"], ctypes.c_char_p),
            "env": {k: v for k, v in os.environ.items() if k.startswith(("OPENBLAS", "OMP_", "MKL_"))}}


def measure(dtype, warmup, repeats, seconds):
    rng = np.random.default_rng(4)
    a = rng.uniform(-1, 1, (N, N)).astype(dtype)
    b = rng.uniform(-1, 1, (N, N)).astype(dtype)
    c = np.empty((N, N), dtype)
    t = time.perf_counter()
    np.matmul(a, b, out=c)
    calls = max(1, int(seconds / max(time.perf_counter() - t, 1e-6)))
    per_call = []
    for i in range(warmup + repeats):
        t = time.perf_counter()
        for _ in range(calls):
            np.matmul(a, b, out=c)
        if i >= warmup:
            per_call.append((time.perf_counter() - t) / calls * 1e9)
    return {"median_ns": statistics.median(per_call), "min_ns": min(per_call), "max_ns": max(per_call),
            "repeats_ns": per_call, "calls_per_repeat": calls}


def run_cases(dtypes, threads, args):
    """Measures every dtype at `threads` BLAS threads in this process; returns {key: result}."""
    state = blas_state()
    if state["threads"] not in (None, threads):
        raise SystemExit(f"OpenBLAS runs {state['threads']} threads, wanted {threads}")
    out = {}
    for name in dtypes:
        r = measure(DTYPES[name], args.warmup, args.repeats, args.repeat_seconds)
        r["title"] = f"np.matmul {N}x{N} {name}, {threads} BLAS thread(s)"
        r["gflops"] = FLOP / r["median_ns"]
        r["blas"] = state
        out[f"w4_matmul_{name}_{threads}"] = r
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dtypes", nargs="+", default=list(DTYPES), choices=list(DTYPES))
    ap.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--repeat-seconds", type=float, default=2.0)
    ap.add_argument("--json", help="write results to this file")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    common = ["--dtypes", *args.dtypes, "--warmup", str(args.warmup), "--repeats", str(args.repeats),
              "--repeat-seconds", str(args.repeat_seconds)]
    if args.child:  # one thread count, fixed by OPENBLAS_NUM_THREADS in our environment
        json.dump(run_cases(args.dtypes, args.threads[0], args), sys.stdout)
        return 0
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        threadpool_limits = None
    method = "threadpoolctl" if threadpool_limits else "OPENBLAS_NUM_THREADS per child process"
    results = {}
    for t in args.threads:
        if threadpool_limits:
            with threadpool_limits(limits=t, user_api="blas"):
                part = run_cases(args.dtypes, t, args)
        else:
            env = dict(os.environ, OPENBLAS_NUM_THREADS=str(t))
            child = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", "--threads", str(t), *common],
                                   env=env, check=True, capture_output=True, text=True)
            part = json.loads(child.stdout)
        for k, r in part.items():
            b = r["blas"]
            print(f"{k:18s} {r['gflops']:7.1f} GFLOP/s  median {r['median_ns'] / 1e6:.2f} ms, best {FLOP / r['min_ns']:.1f} GFLOP/s"
                  f"  [OpenBLAS core {b['corename']}, {b['threads']} threads]", flush=True)
        results.update(part)
    first = next(iter(results.values()))["blas"]
    meta = {"numpy": np.__version__, "python": platform.python_version(), "threads_method": method,
            "openblas": {"corename": first["corename"], "config": first["config"], "threads": "/".join(map(str, args.threads)),
                         "env": {k: v for k, v in os.environ.items() if k.startswith(("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"))}},
            "warmup": args.warmup, "repeats": args.repeats, "repeat_seconds": args.repeat_seconds}
    print(f"threads set by {method}; OPENBLAS_CORETYPE/L2_SIZE: {meta['openblas']['env'] or 'unset'}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"meta": meta, "results": results}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
