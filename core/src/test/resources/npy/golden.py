"""Golden .npy/.npz files for NpyTest, and the check that files nabla4j writes read back exactly.

    python3 golden.py write DIR   # (re)make the golden files in DIR (they are committed next to this script)
    python3 golden.py check DIR   # assert that the files nabla4j wrote in DIR equal EXPECTED; prints OK

Made with NumPy 2.4. NpyTest computes the same values in Java, independently, for its read tests.
"""
import sys
from pathlib import Path

import numpy as np

F32 = ((np.arange(6, dtype=np.float32) - np.float32(2.5)) / np.float32(3)).reshape(2, 3)
EXPECTED = {
    "f32_2x3": F32,
    "f64_special": np.array([0.1, -0.0, np.inf, -np.inf, np.nan, 5e-324, 1.7976931348623157e308, np.pi]),
    "i32_scalar": np.array(-7, dtype=np.int32),
    "i64_3d": (np.arange(24, dtype=np.int64) * 1_000_000_007 - 2**40).reshape(2, 3, 4),
    "bool_2x2": np.array([[True, False], [False, True]]),
    "f32_empty": np.zeros((0, 3), dtype=np.float32),
}
# Layouts nabla4j reads but does not write.
READ_ONLY = {
    "f64_fortran": np.asfortranarray(np.arange(6.0).reshape(2, 3) * 1.5),
    "i4_bigendian": np.arange(5, dtype=">i4") - 2,
    "u1": np.array([0, 200, 255], dtype=np.uint8),
    "u4": np.array([0, 2**32 - 1, 123], dtype=np.uint32),
}
ARCHIVE = {"w": F32, "labels": np.array([1, 2, 3], dtype=np.int32), "flag": np.array(True)}


def write(out):
    for name, a in {**EXPECTED, **READ_ONLY}.items():
        np.save(out / f"{name}.npy", a)
    np.savez(out / "archive.npz", **ARCHIVE)
    np.savez_compressed(out / "archive_compressed.npz", **ARCHIVE)


def same(a, b):
    return (a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
            and np.array_equal(np.signbit(a), np.signbit(b)) if a.dtype.kind == "f" else
            a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b))


def check(out):
    for name, expected in EXPECTED.items():
        got = np.load(out / f"{name}.npy")
        assert same(got, expected), f"{name}: got {got!r} ({got.dtype}), expected {expected!r}"
    for archive in ("archive.npz", "archive_compressed.npz"):
        with np.load(out / archive) as z:
            assert sorted(z.files) == sorted(ARCHIVE), f"{archive}: entries {z.files}"
            for name, expected in ARCHIVE.items():
                assert same(z[name], expected), f"{archive}/{name}: got {z[name]!r}"
    print("OK")


if __name__ == "__main__":
    {"write": write, "check": check}[sys.argv[1]](Path(sys.argv[2]))
