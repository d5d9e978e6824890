"""Writes docs/benchmarks.md from one session's JMH results and NumPy twin results (see bench/run.sh).

    python3 bench/report.py --jmh jmh.json --numpy numpy-1.json numpy-2.json --out docs/benchmarks.md

Figures: for JMH the median of the measurement iterations' mean times, for NumPy the median of
the repeats' mean times (the repeats of all --numpy files pooled); ratio = NumPy time / nabla4j
time, so > 1 means nabla4j is faster. W4 rows come from any MatmulBench results; their NumPy
figures are read from keys "w4_<method>_<param values joined by _>" (or "w4_<param values>")
in a --numpy file, e.g. the output of `bench/numpy/matmul.py --json FILE` if it writes that format.
Hand-written notes (what limits each workload) are appended from bench/benchmark-notes.md.
"""
import argparse
import datetime
import json
import os
import statistics
import subprocess

FLOP_W4 = 2 * 1024 ** 3
UNIT_NS = {"ns/op": 1, "us/op": 1e3, "ms/op": 1e6, "s/op": 1e9}

# workload, description, JMH benchmark (class.method) and params, NumPy key, bar (kind, value), bar text
ROWS = [
    ("W1", "`sin(x)*y + exp(-x*x)` f32, n = 4,194,304", "ElementwiseBench.jit", {"n": "4194304"}, "w1_4m", ("ratio", 6.0), "≥ 6× faster"),
    ("W1", "`sin(x)*y + exp(-x*x)` f32, n = 1,024", "ElementwiseBench.jit", {"n": "1024"}, "w1_1k", ("ratio", 2.5), "≥ 2.5× faster"),
    ("W2", "`sum(x*x)` f32, n = 16,777,216 vs `np.sum(x*x)`", "SumSquaresBench.jit", {}, "w2_sum", ("ratio", 6.0), "≥ 6× faster"),
    ("W2", "`sum(x*x)` f32, n = 16,777,216 vs `np.dot(x, x)`", "SumSquaresBench.jit", {}, "w2_dot", ("ratio", 0.8), "≥ 0.8×"),
    ("W2", "the same vs `np.dot(x, x)` with OpenBLAS at 1 thread", "SumSquaresBench.jit", {}, "w2_dot_1t", ("info", None), "(for comparison)"),
    ("W3", "row softmax f32 (4096, 1024)", "SoftmaxBench.jit", {}, "w3", ("ratio", 5.0), "≥ 5× faster"),
    ("W4", None, "MatmulBench", None, None, ("ratio", 0.8), "≥ 0.8× OpenBLAS, same threads"),
    ("W5", "MLP 784-512-512-10 SGD step, batch 256: `jit` of value-and-grad + update vs hand-written NumPy backprop",
     "MlpStepBench.jit", {}, "w5", ("ratio", 0.9), "≥ 0.9×"),
    ("W5", "the same vs NumPy with OpenBLAS at 1 thread", "MlpStepBench.jit", {}, "w5_1t", ("info", None), "(for comparison)"),
    ("W6", "per-sample logistic-regression gradients, X 1024×512: `jit(vmap(grad(loss)))` vs NumPy closed form",
     "PerSampleGradBench.jit", {}, "w6", ("ratio", 1 / 1.5), "time ≤ 1.5× NumPy's (ratio ≥ 0.67)"),
    ("W6", "the same vs NumPy with OpenBLAS at 1 thread", "PerSampleGradBench.jit", {}, "w6_1t", ("info", None), "(for comparison)"),
    ("W7", "cached `jit` call of `x*2+1`, 8 f32 elements", "DispatchBench.jit", {}, "w7", ("time_ns", 150.0), "≤ 0.15 µs per call"),
    ("W8", "RNN `h = tanh(W h + x_t)`, h = 64, 1,000 steps f32: `jit` of `scan` vs a NumPy loop", "RnnScanBench.jit", {}, "w8",
     ("ratio", 10.0), "≥ 10× faster (issue 7)"),
    ("W8", "its gradient w.r.t. W (BPTT), `jit(grad(...))`, vs the NumPy forward loop", "RnnScanBench.jitGrad", {}, "w8", ("info", None),
     "(for comparison)"),
]


def fmt_time(ns):
    if ns is None:
        return "—"
    if ns < 1e3:
        return f"{ns:.1f} ns"
    if ns < 1e6:
        return f"{ns / 1e3:.2f} µs"
    if ns < 1e9:
        return f"{ns / 1e6:.2f} ms"
    return f"{ns / 1e9:.2f} s"


def short(benchmark):
    return ".".join(benchmark.split(".")[-2:])


def error_ns(e, unit):
    try:
        e = float(e)
    except (TypeError, ValueError):
        return None
    return e * unit if e == e else None


def jmh_results(path):
    with open(path) as f:
        data = json.load(f)
    out = []
    for r in data:
        pm = r["primaryMetric"]
        unit = UNIT_NS[pm["scoreUnit"]]
        raw = [v * unit for fork in pm["rawData"] for v in fork]
        out.append({"name": short(r["benchmark"]), "params": r.get("params", {}), "median_ns": statistics.median(raw),
                    "score_ns": pm["score"] * unit, "error_ns": error_ns(pm.get("scoreError"), unit),
                    "min_ns": min(raw), "max_ns": max(raw), "n": len(raw), "raw": r})
    return out


def numpy_results(paths):
    pooled, metas = {}, []
    for p in paths:
        with open(p) as f:
            data = json.load(f)
        metas.append(data.get("meta", {}))
        for k, r in data.get("results", {}).items():
            e = pooled.setdefault(k, {"title": r.get("title", k), "repeats_ns": []})
            e["repeats_ns"] += r.get("repeats_ns") or [r["median_ns"]]
    for e in pooled.values():
        e["median_ns"] = statistics.median(e["repeats_ns"])
        e["min_ns"], e["max_ns"] = min(e["repeats_ns"]), max(e["repeats_ns"])
    return pooled, metas


def find(jmh, name, params):
    for r in jmh:
        if r["name"] == name and all(r["params"].get(k) == v for k, v in params.items()):
            return r
    return None


def verdict(bar, ratio, nabla_ns):
    kind, value = bar
    if kind == "info":
        return ""
    if kind == "time_ns":
        if nabla_ns is None:
            return "—"
        return "**met**" if nabla_ns <= value else f"not met ({nabla_ns / value:.1f}× the bar)"
    if ratio is None:
        return "—"
    short = value / ratio
    return "**met**" if ratio >= value else f"not met ({short:.2f}× short)" if short < 1.1 else f"not met ({short:.1f}× short)"


def table_rows(jmh, numpy):
    rows = []
    for wl, what, bench, params, key, bar, bar_text in ROWS:
        if wl == "W4":
            for r in [r for r in jmh if r["name"].startswith("MatmulBench.")]:
                vals = list(r["params"].values())
                method = r["name"].split(".")[1]
                k = next((c for c in ["_".join(["w4", method] + vals), "_".join(["w4"] + vals)] if c in numpy), None)
                ps = r["params"]
                desc = ("matmul (1024×1024)·(1024×1024) " + (f"{ps['dtype']}, {ps['threads']} thread{'s' if ps['threads'] != '1' else ''}"
                        if "dtype" in ps and "threads" in ps else ", ".join(f"{p}={v}" for p, v in ps.items())))
                rows.append((wl, desc, r, numpy.get(k) if k else None, bar, bar_text))
            continue
        rows.append((wl, what, find(jmh, bench, params), numpy.get(key), bar, bar_text))
    out = []
    for wl, what, j, n, bar, bar_text in rows:
        if j is None and n is None:
            continue
        cells, ratios = [], {}
        for stat in ("min_ns", "median_ns"):
            jn = j[stat] if j else None
            nn = n[stat] if n else None
            ratios[stat] = nn / jn if jn and nn else None
        best_ratio, median_ratio = ratios["min_ns"], ratios["median_ns"]
        best = verdict(bar, best_ratio, j["min_ns"] if j else None)
        typical = verdict(bar, median_ratio, j["median_ns"] if j else None)
        note = best
        if typical not in ("—", "") and best not in ("—", "") and typical.startswith("**") != best.startswith("**"):
            note += " — medians: " + ("met" if typical.startswith("**") else typical)
        if wl == "W4" and j:
            what += f" — {FLOP_W4 / j['min_ns']:.1f} vs {FLOP_W4 / n['min_ns']:.1f} GFLOP/s (best)" if n else f" — {FLOP_W4 / j['min_ns']:.1f} GFLOP/s (best)"
        out.append(f"| {wl} | {what} | {fmt_time(j['min_ns'] if j else None)} / {fmt_time(j['median_ns'] if j else None)} | "
                   f"{fmt_time(n['min_ns'] if n else None)} / {fmt_time(n['median_ns'] if n else None)} | "
                   f"{fmt_ratio(best_ratio)} / {fmt_ratio(median_ratio)} | {bar_text} | {note} |")
    return out


def fmt_ratio(r):
    return f"{r:.2f}×" if r else "—"


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=10).stdout.strip()
    except Exception:
        return ""


def machine():
    lscpu = sh("lscpu")
    field = lambda name: next((l.split(":", 1)[1].strip() for l in lscpu.splitlines() if l.startswith(name + ":")), "?")
    flags = field("Flags").split()
    simd = "AVX-512" if "avx512f" in flags else "AVX2 + FMA" if "avx2" in flags else "SSE"
    mem = sh("awk '/MemTotal/ {printf \"%.1f GiB\", $2/1048576}' /proc/meminfo")
    return (f"{field('Model name')} ({field('Vendor ID')} family {field('CPU family')} model {field('Model')}), "
            f"{field('CPU(s)')} CPUs ({field('Core(s) per socket')} cores per socket, {field('Thread(s) per core')} thread per core), "
            f"{simd}, L2 {field('L2 cache')}, L3 {field('L3 cache')}, {mem} RAM, {field('Hypervisor vendor')} guest")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jmh", required=True)
    ap.add_argument("--numpy", nargs="+", default=[])
    ap.add_argument("--out", required=True)
    ap.add_argument("--load", nargs=2, default=["?", "?"], help="load averages before and after the run")
    ap.add_argument("--seconds", type=int)
    ap.add_argument("--commit", default="unknown", help="the code measured, e.g. the git commit")
    ap.add_argument("--notes", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "benchmark-notes.md"))
    a = ap.parse_args()
    jmh = jmh_results(a.jmh)
    numpy, metas = numpy_results([p for p in a.numpy if os.path.exists(p)])
    first = jmh[0]["raw"] if jmh else {}
    meta = next((m for m in metas if m.get("numpy")), {})
    blas = meta.get("openblas", {})
    settings = sorted({(r["raw"].get("forks"), r["raw"].get("warmupIterations"), r["raw"].get("warmupTime"),
                        r["raw"].get("measurementIterations"), r["raw"].get("measurementTime"), r["raw"].get("threads")) for r in jmh},
                      key=str)
    L = []
    L.append("# Benchmarks: nabla4j vs NumPy")
    L.append("")
    L.append("Generated by `bench/run.sh` (do not edit by hand; the notes at the end come from "
             "`bench/benchmark-notes.md`). Both sides ran in one session on one machine, in this order: the NumPy twins, "
             "the JMH benchmarks, the NumPy twins again.")
    L.append("")
    when = datetime.datetime.fromtimestamp(os.path.getmtime(a.jmh)).astimezone()
    L.append(f"Code: {a.commit}. JMH finished at {when.strftime('%Y-%m-%d %H:%M %Z')}"
             + (f"; the whole run took {a.seconds // 60} min {a.seconds % 60} s" if a.seconds is not None else "")
             + f"; load average (1, 5, 15 min) {a.load[0]} before and {a.load[1]} after. "
             "**Absolute figures on this 2-core virtual machine are noisy** (the benchmarks load both cores themselves, and "
             "other work on the host shows); the ratios compare figures taken minutes apart in the same session.")
    L.append("")
    L.append("Ratio = NumPy time / nabla4j time (> 1: nabla4j is faster). Each side's *best* is its fastest JMH iteration "
             "or NumPy repeat, *median* the median one; under load the best figures are the closer estimate of "
             "what each side does on an idle machine, so the verdict uses the best-of ratio (and says so where the medians "
             "disagree). The bars are issue 5's (W8's is issue 7's).")
    L.append("")
    L.append("| workload | what | nabla4j best / median | NumPy best / median | ratio best / median | bar | verdict (on the best-of ratio) |")
    L.append("|---|---|--:|--:|--:|---|---|")
    L += table_rows(jmh, numpy)
    missing = sorted({bench for wl, _, bench, params, key, _, _ in ROWS if wl != "W4" and key in numpy and find(jmh, bench, params) is None})
    if missing:
        L.append("")
        L.append("No JMH result for " + ", ".join(f"`{m}`" for m in missing) + " in this run (not selected, or it failed: see "
                 "`bench/target/results/jmh.txt`).")
    if not any(r["name"].startswith("MatmulBench.") for r in jmh):
        L.append("")
        L.append("W4 (matmul) has no row: `MatmulBench` was not in this run.")
    first_call = next((r for r in jmh if r["name"] == "MlpStepBench.firstCall"), None)
    step = next((r for r in jmh if r["name"] == "MlpStepBench.jit"), None)
    if first_call:
        L.append("")
        L.append(f"W5 compile latency (a fresh `jit` of the step: trace, differentiate, simplify, compile, first result; single shot): "
                 f"median {fmt_time(first_call['median_ns'])}, best {fmt_time(first_call['min_ns'])} over {first_call['n']} cold calls"
                 + (f", of which the run itself is about {fmt_time(step['median_ns'])} (the cached step's median)." if step else "."))
    L.append("")
    L.append("## Setup")
    L.append("")
    L.append(f"- Machine: {machine()}.")
    L.append(f"- JDK: {first.get('vmName', '?')} {first.get('vmVersion', '?')} (JDK {first.get('jdkVersion', '?')}), "
             f"`{first.get('jvm', '?')}`; JVM options `{' '.join(first.get('jvmArgs', []))}`.")
    L.append("- JMH 1.37, mode average time, settings (forks, warm-up iterations × time, measurement iterations × time, threads): "
             + "; ".join(f"{f} fork, {wi} × {wt}, {mi} × {mt}, {t} thread" for f, wi, wt, mi, mt, t in settings) + ".")
    L.append("- Threads: each JMH benchmark calls from one thread. nabla4j splits fused loops of 64K+ elements and "
             f"`dot_general`'s GEMM across `Runtime.availableProcessors()` threads ({os.cpu_count()} here); smaller loops and "
             "the interpreter fallback run on the calling thread; MatmulBench (W4) sets the kernel's thread count itself. "
             f"NumPy {meta.get('numpy', '?')} on Python {meta.get('python', '?')}: ufuncs and reductions single-threaded; "
             f"BLAS calls (`@`, `np.dot`) in OpenBLAS with {blas.get('threads', '?')} threads, core `{blas.get('corename', '?')}` "
             f"(`{blas.get('config', '?')}`), OpenBLAS environment overrides: {blas.get('env') or 'none'} "
             "(`OPENBLAS_CORETYPE` and `OPENBLAS_L2_SIZE` are unset for the NumPy commands).")
    if meta:
        L.append(f"- NumPy timing: {meta.get('repeats')} repeats of about {meta.get('repeat_seconds')} s per run after a warm-up "
                 "repeat, calls per repeat calibrated from one call; the two runs' repeats pooled.")
    L.append("")
    L.append("## Method")
    L.append("")
    L.append("- Every nabla4j benchmark goes through the public API: the function is built with `Nabla.jit` "
             "(with `Nabla.valueAndGrad`, `Nabla.vmap`, `Nabla.grad` where the workload says so), inputs are made and the "
             "first (compiling) call is done in `@Setup`, and the benchmark method returns the result so nothing is "
             "dead-code eliminated. Each measured call is a cache hit: flatten the arguments, check the key, run, wrap the outputs "
             "(including allocating the output arrays).")
    L.append("- The NumPy twins (`bench/numpy/twins.py`) compute the same thing idiomatically: W1 `np.sin(x)*y + np.exp(-x*x)`; "
             "W2 `np.sum(x*x)` and `np.dot(x, x)`; W3 `e = np.exp(x - x.max(1, keepdims=True)); e / e.sum(1, keepdims=True)`; "
             "W5 a hand-written forward and backward pass with the SGD update (checked against finite differences by "
             "`twins.py --check`); W6 `(1/(1+np.exp(-(X@w))) - y)[:, None] * X`; W7 `x*2 + 1`. "
             "Inputs come from the same distributions on both sides.")
    L.append("- `bench/src/test/.../WorkloadsTest` checks on small sizes that each benchmark computes what a plain Java loop "
             "computes (in CI), so a benchmark cannot silently measure something else.")
    L.append("- A JMH iteration (1 s) and a NumPy repeat (about 0.25 s) each give one mean time per call; the table "
             "shows the best and the median of those per side, the full JMH scores with their 99.9% error are below. "
             "The JMH side takes 10 measurement iterations because the NumPy side pools 14 repeats: on a host whose load "
             "comes and goes, a best-of over fewer, longer samples would be the less likely to catch a quiet moment.")
    L.append("")
    L.append("### All JMH results")
    L.append("")
    L.append("| benchmark | params | median | score ± error | min–max of iterations |")
    L.append("|---|---|--:|--:|--:|")
    for r in jmh:
        err = f" ± {fmt_time(r['error_ns'])}" if r["error_ns"] else ""
        L.append(f"| {r['name']} | {', '.join(f'{k}={v}' for k, v in r['params'].items())} | {fmt_time(r['median_ns'])} | "
                 f"{fmt_time(r['score_ns'])}{err} | {fmt_time(r['min_ns'])} – {fmt_time(r['max_ns'])} |")
    L.append("")
    L.append("### All NumPy results")
    L.append("")
    L.append("| key | what | median | min–max of repeats |")
    L.append("|---|---|--:|--:|")
    for k, r in numpy.items():
        L.append(f"| {k} | {r['title']} | {fmt_time(r['median_ns'])} | {fmt_time(r['min_ns'])} – {fmt_time(r['max_ns'])} |")
    if os.path.exists(a.notes):
        L.append("")
        with open(a.notes) as f:
            L.append(f.read().rstrip())
    with open(a.out, "w") as f:
        f.write("\n".join(L) + "\n")


if __name__ == "__main__":
    main()
