package org.nabla4j.ir;

/**
 * Strided copies between flat row-major buffers: the workhorse behind broadcast, transpose, slice
 * and friends in the interpreter.
 */
final class Strided {
    private Strided() {}

    /**
     * Fills a fresh buffer of shape {@code outDims} with {@code src[base + Σ idx[d] * srcStrides[d]]}.
     */
    static Object gather(Object src, org.nabla4j.DType dtype, int base, int[] outDims, int[] srcStrides) {
        int n = 1;
        for (int d : outDims) n *= d;
        Object dst = Tensor.allocate(dtype, n);
        if (n == 0) return dst;
        int rank = outDims.length;
        int[] idx = new int[rank];
        int off = base;
        for (int i = 0; i < n; i++) {
            Tensor.copyElement(src, off, dst, i);
            for (int d = rank - 1; d >= 0; d--) {
                idx[d]++;
                off += srcStrides[d];
                if (idx[d] < outDims[d]) break;
                off -= srcStrides[d] * idx[d];
                idx[d] = 0;
            }
        }
        return dst;
    }

    /** Writes contiguous {@code src} of shape {@code srcDims} to {@code dst[base + Σ idx[d] * dstStrides[d]]}. */
    static void scatter(Object src, int[] srcDims, Object dst, int base, int[] dstStrides) {
        int n = Tensor.length(src);
        if (n == 0) return;
        int rank = srcDims.length;
        int[] idx = new int[rank];
        int off = base;
        for (int i = 0; i < n; i++) {
            Tensor.copyElement(src, i, dst, off);
            for (int d = rank - 1; d >= 0; d--) {
                idx[d]++;
                off += dstStrides[d];
                if (idx[d] < srcDims[d]) break;
                off -= dstStrides[d] * idx[d];
                idx[d] = 0;
            }
        }
    }

    /** Advances a row-major multi-index; returns false after the last one. */
    static boolean next(int[] idx, int[] dims) {
        for (int d = dims.length - 1; d >= 0; d--) {
            if (++idx[d] < dims[d]) return true;
            idx[d] = 0;
        }
        return false;
    }

    static Object copy(Object data) {
        return switch (data) {
            case float[] a -> a.clone();
            case double[] a -> a.clone();
            case int[] a -> a.clone();
            case long[] a -> a.clone();
            case boolean[] a -> a.clone();
            default -> throw new IllegalArgumentException();
        };
    }
}
