package org.nabla4j.codegen.kernels;

import java.util.Arrays;

/**
 * Copies a block of A or B into the panel layout of {@link TileKernel}, reading either storage
 * order, so the micro-kernel always streams contiguous memory and never sees a transpose or an
 * edge. Partial panels are padded with zeros.
 */
final class Pack {
    private Pack() {}

    /**
     * Packs {@code A[0..mc, 0..kc]} where {@code A[i][p] = a[off + (trans ? p*lda + i : i*lda + p)]}
     * into {@code mr}-row panels: {@code dst[ir*kc + p*mr + r] = A[ir + r][p]}.
     */
    static void packA(float[] a, int off, int lda, boolean trans, int mc, int kc, int mr, float[] dst) {
        for (int ir = 0; ir < mc; ir += mr) {
            int rows = Math.min(mr, mc - ir), base = ir * kc;
            if (trans) {
                for (int p = 0; p < kc; p++) {
                    int s = off + p * lda + ir, d = base + p * mr;
                    for (int r = 0; r < rows; r++) dst[d + r] = a[s + r];
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    int s = off + (ir + r) * lda, d = base + r;
                    for (int p = 0; p < kc; p++) dst[d + p * mr] = a[s + p];
                }
            }
            if (rows < mr) {
                for (int p = 0; p < kc; p++) Arrays.fill(dst, base + p * mr + rows, base + (p + 1) * mr, 0f);
            }
        }
    }

    /**
     * Packs {@code B[0..kc, 0..nc]} where {@code B[p][j] = b[off + (trans ? j*ldb + p : p*ldb + j)]}
     * into {@code nr}-column panels: {@code dst[jr*kc + p*nr + j] = B[p][jr + j]}.
     */
    static void packB(float[] b, int off, int ldb, boolean trans, int kc, int nc, int nr, float[] dst) {
        for (int jr = 0; jr < nc; jr += nr) {
            int cols = Math.min(nr, nc - jr), base = jr * kc;
            if (trans) {
                for (int j = 0; j < cols; j++) {
                    int s = off + (jr + j) * ldb, d = base + j;
                    for (int p = 0; p < kc; p++) dst[d + p * nr] = b[s + p];
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int s = off + p * ldb + jr, d = base + p * nr;
                    for (int j = 0; j < cols; j++) dst[d + j] = b[s + j];
                }
            }
            if (cols < nr) {
                for (int p = 0; p < kc; p++) Arrays.fill(dst, base + p * nr + cols, base + (p + 1) * nr, 0f);
            }
        }
    }

    /** {@link #packA(float[], int, int, boolean, int, int, int, float[])} for doubles. */
    static void packA(double[] a, int off, int lda, boolean trans, int mc, int kc, int mr, double[] dst) {
        for (int ir = 0; ir < mc; ir += mr) {
            int rows = Math.min(mr, mc - ir), base = ir * kc;
            if (trans) {
                for (int p = 0; p < kc; p++) {
                    int s = off + p * lda + ir, d = base + p * mr;
                    for (int r = 0; r < rows; r++) dst[d + r] = a[s + r];
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    int s = off + (ir + r) * lda, d = base + r;
                    for (int p = 0; p < kc; p++) dst[d + p * mr] = a[s + p];
                }
            }
            if (rows < mr) {
                for (int p = 0; p < kc; p++) Arrays.fill(dst, base + p * mr + rows, base + (p + 1) * mr, 0d);
            }
        }
    }

    /** {@link #packB(float[], int, int, boolean, int, int, int, float[])} for doubles. */
    static void packB(double[] b, int off, int ldb, boolean trans, int kc, int nc, int nr, double[] dst) {
        for (int jr = 0; jr < nc; jr += nr) {
            int cols = Math.min(nr, nc - jr), base = jr * kc;
            if (trans) {
                for (int j = 0; j < cols; j++) {
                    int s = off + (jr + j) * ldb, d = base + j;
                    for (int p = 0; p < kc; p++) dst[d + p * nr] = b[s + p];
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int s = off + p * ldb + jr, d = base + p * nr;
                    for (int j = 0; j < cols; j++) dst[d + j] = b[s + j];
                }
            }
            if (cols < nr) {
                for (int p = 0; p < kc; p++) Arrays.fill(dst, base + p * nr + cols, base + (p + 1) * nr, 0d);
            }
        }
    }
}
