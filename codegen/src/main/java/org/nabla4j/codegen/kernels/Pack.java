package org.nabla4j.codegen.kernels;

import java.util.Arrays;

/**
 * Copies a block of A or B into the panel layout of {@link TileKernel}, reading either storage
 * order, so the micro-kernel always streams contiguous memory and never sees a transpose or an
 * edge. A panel is {@code w} wide ({@code mr} for A, {@code nr} for B, a multiple of 4; or 1 for
 * copying a strided column of B to contiguous memory):
 * element {@code x} of the panel side at depth {@code p} goes to
 * {@code dst[(x / w)·w·kc + p·w + x % w]}; the last panel is padded with zeros.
 *
 * <p>There are two ways to read a block. Row-major A and transposed B store each of the block's
 * {@code len} lines contiguously along the depth: {@link #gather} reads four lines at once.
 * Transposed A and row-major B store each depth level contiguously: {@link #copy} moves four
 * neighbours at once. Both keep one loop of straight-line loads and stores, which C2 compiles far
 * better than short inner loops of length {@code w}.
 */
final class Pack {
    private Pack() {}

    /** Packs {@code A[0..mc, 0..kc]}, {@code A[i][p] = a[off + (trans ? p*lda + i : i*lda + p)]}. */
    static void packA(float[] a, int off, int lda, boolean trans, int mc, int kc, int mr, float[] dst) {
        if (trans) copy(a, off, lda, mc, kc, mr, dst, 0);
        else gather(a, off, lda, mc, kc, mr, dst, 0);
    }

    /**
     * Packs {@code B[0..kc, 0..nc]}, {@code B[p][j] = b[off + (trans ? j*ldb + p : p*ldb + j)]},
     * into {@code dst} from {@code dstOff} (a part of a larger packed block starts at its first
     * panel: {@code column · kc}).
     */
    static void packB(float[] b, int off, int ldb, boolean trans, int kc, int nc, int nr, float[] dst, int dstOff) {
        if (trans) gather(b, off, ldb, nc, kc, nr, dst, dstOff);
        else copy(b, off, ldb, nc, kc, nr, dst, dstOff);
    }

    /** {@code len} source lines, line {@code x} contiguous along the depth at {@code src[off + x*ld]}. */
    private static void gather(float[] src, int off, int ld, int len, int kc, int w, float[] dst, int dstOff) {
        int x = 0;
        for (; x + 4 <= len; x += 4) {
            int s0 = off + x * ld, s1 = s0 + ld, s2 = s1 + ld, s3 = s2 + ld, d = dstOff + x / w * w * kc + x % w;
            for (int p = 0; p < kc; p++) {
                int q = d + p * w;
                dst[q] = src[s0 + p];
                dst[q + 1] = src[s1 + p];
                dst[q + 2] = src[s2 + p];
                dst[q + 3] = src[s3 + p];
            }
        }
        for (; x < len; x++) {
            int s = off + x * ld, d = dstOff + x / w * w * kc + x % w;
            for (int p = 0; p < kc; p++) dst[d + p * w] = src[s + p];
        }
        pad(len, kc, w, dst, dstOff);
    }

    /** {@code kc} source depth levels, level {@code p} contiguous at {@code src[off + p*ld]}. */
    private static void copy(float[] src, int off, int ld, int len, int kc, int w, float[] dst, int dstOff) {
        int x = 0;
        for (; x + 4 <= len; x += 4) {
            int s = off + x, d = dstOff + x / w * w * kc + x % w;
            for (int p = 0; p < kc; p++) {
                int q = d + p * w, r = s + p * ld;
                dst[q] = src[r];
                dst[q + 1] = src[r + 1];
                dst[q + 2] = src[r + 2];
                dst[q + 3] = src[r + 3];
            }
        }
        for (; x < len; x++) {
            int s = off + x, d = dstOff + x / w * w * kc + x % w;
            for (int p = 0; p < kc; p++) dst[d + p * w] = src[s + p * ld];
        }
        pad(len, kc, w, dst, dstOff);
    }

    /** Zeros the unused columns of the last, partial panel. */
    private static void pad(int len, int kc, int w, float[] dst, int dstOff) {
        int used = len % w;
        if (used == 0) return;
        int base = dstOff + len / w * w * kc;
        for (int p = 0; p < kc; p++) Arrays.fill(dst, base + p * w + used, base + (p + 1) * w, 0f);
    }

    /** {@link #packA(float[], int, int, boolean, int, int, int, float[])} for doubles. */
    static void packA(double[] a, int off, int lda, boolean trans, int mc, int kc, int mr, double[] dst) {
        if (trans) copy(a, off, lda, mc, kc, mr, dst, 0);
        else gather(a, off, lda, mc, kc, mr, dst, 0);
    }

    /** {@link #packB(float[], int, int, boolean, int, int, int, float[], int)} for doubles. */
    static void packB(double[] b, int off, int ldb, boolean trans, int kc, int nc, int nr, double[] dst, int dstOff) {
        if (trans) gather(b, off, ldb, nc, kc, nr, dst, dstOff);
        else copy(b, off, ldb, nc, kc, nr, dst, dstOff);
    }

    private static void gather(double[] src, int off, int ld, int len, int kc, int w, double[] dst, int dstOff) {
        int x = 0;
        for (; x + 4 <= len; x += 4) {
            int s0 = off + x * ld, s1 = s0 + ld, s2 = s1 + ld, s3 = s2 + ld, d = dstOff + x / w * w * kc + x % w;
            for (int p = 0; p < kc; p++) {
                int q = d + p * w;
                dst[q] = src[s0 + p];
                dst[q + 1] = src[s1 + p];
                dst[q + 2] = src[s2 + p];
                dst[q + 3] = src[s3 + p];
            }
        }
        for (; x < len; x++) {
            int s = off + x * ld, d = dstOff + x / w * w * kc + x % w;
            for (int p = 0; p < kc; p++) dst[d + p * w] = src[s + p];
        }
        pad(len, kc, w, dst, dstOff);
    }

    private static void copy(double[] src, int off, int ld, int len, int kc, int w, double[] dst, int dstOff) {
        int x = 0;
        for (; x + 4 <= len; x += 4) {
            int s = off + x, d = dstOff + x / w * w * kc + x % w;
            for (int p = 0; p < kc; p++) {
                int q = d + p * w, r = s + p * ld;
                dst[q] = src[r];
                dst[q + 1] = src[r + 1];
                dst[q + 2] = src[r + 2];
                dst[q + 3] = src[r + 3];
            }
        }
        for (; x < len; x++) {
            int s = off + x, d = dstOff + x / w * w * kc + x % w;
            for (int p = 0; p < kc; p++) dst[d + p * w] = src[s + p * ld];
        }
        pad(len, kc, w, dst, dstOff);
    }

    private static void pad(int len, int kc, int w, double[] dst, int dstOff) {
        int used = len % w;
        if (used == 0) return;
        int base = dstOff + len / w * w * kc;
        for (int p = 0; p < kc; p++) Arrays.fill(dst, base + p * w + used, base + (p + 1) * w, 0d);
    }
}
