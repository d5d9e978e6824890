package org.nabla4j.codegen.kernels;

/**
 * The scalar epilogue: stores a tile of accumulators held in an array into C. Used for the edge
 * tiles of the vector kernels and for every tile of the scalar kernel; the vector kernels do the
 * same in registers for full tiles.
 */
final class Epilogues {
    private Epilogues() {}

    static void store(float[] tile, int ldt, int mr, int nr, float[] c, int cOff, int ldc,
                      int mode, float[] bias, int biasOff) {
        for (int r = 0; r < mr; r++) {
            int t = r * ldt, o = cOff + r * ldc;
            for (int j = 0; j < nr; j++) {
                float v = tile[t + j];
                if ((mode & TileMode.LOAD_C) != 0) v += c[o + j];
                if ((mode & TileMode.BIAS_N) != 0) v += bias[biasOff + j];
                else if ((mode & TileMode.BIAS_M) != 0) v += bias[biasOff + r];
                if ((mode & TileMode.RELU) != 0) v = Math.max(v, 0f);
                else if ((mode & TileMode.TANH) != 0) v = (float) Math.tanh(v);
                c[o + j] = v;
            }
        }
    }

    static void store(double[] tile, int ldt, int mr, int nr, double[] c, int cOff, int ldc,
                      int mode, double[] bias, int biasOff) {
        for (int r = 0; r < mr; r++) {
            int t = r * ldt, o = cOff + r * ldc;
            for (int j = 0; j < nr; j++) {
                double v = tile[t + j];
                if ((mode & TileMode.LOAD_C) != 0) v += c[o + j];
                if ((mode & TileMode.BIAS_N) != 0) v += bias[biasOff + j];
                else if ((mode & TileMode.BIAS_M) != 0) v += bias[biasOff + r];
                if ((mode & TileMode.RELU) != 0) v = Math.max(v, 0d);
                else if ((mode & TileMode.TANH) != 0) v = Math.tanh(v);
                c[o + j] = v;
            }
        }
    }
}
