"""NumPy twin of DispatchBench (W7): x * 2 + 1 on 8 float32 elements, ns per call."""
import timeit

import numpy as np

x = np.arange(1, 9, dtype=np.float32)


def f():
    return x * 2 + 1


if __name__ == "__main__":
    n = 200_000
    best = min(timeit.repeat(f, number=n, repeat=7))
    print(f"numpy x*2+1 (8 x f32): {best / n * 1e9:.1f} ns/call (best of 7 x {n})")
