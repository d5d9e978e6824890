package org.nabla4j.codegen.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Behaviours of {@link Gemm} that random small cases do not reach: blocking, threads, errors. */
class GemmTest {
    private static final Gemm PREFERRED = Gemm.preferred();
    private static final Gemm SCALAR = Gemm.withVectorBits(0);
    private static final Epilogue BIAS_TANH_ACC = new Epilogue(Epilogue.Bias.ALONG_N, Activation.TANH, true);

    private static GemmCase dense(int batch, int m, int n, int k, Epilogue epilogue, int threads) {
        return new GemmCase(batch, m, n, k, false, false, 0, 0, 0, 0, 0, 0, false, epilogue, threads, 42);
    }

    @Test
    void crossesEveryCacheBlockBoundary() {
        // k > kc (several k blocks accumulate in C), m > mc, n > nc; the other sizes stay small
        for (Gemm gemm : List.of(PREFERRED, SCALAR)) {
            for (Epilogue e : List.of(Epilogue.NONE, BIAS_TANH_ACC, Epilogue.of(Epilogue.Bias.ALONG_M, Activation.RELU))) {
                dense(1, 9, 11, 700, e, 1).checkF32(gemm);
                dense(1, 9, 11, 700, e, 1).checkF64(gemm);
                dense(1, 301, 5, 3, e, 1).checkF32(gemm);
                dense(1, 301, 5, 3, e, 1).checkF64(gemm);
                dense(1, 3, 4200, 2, e, 1).checkF32(gemm);
                dense(1, 3, 4200, 2, e, 1).checkF64(gemm);
            }
        }
        new GemmCase(1, 150, 70, 530, true, true, 1, 2, 3, 1, 2, 3, false, BIAS_TANH_ACC, 1, 7).checkF32(PREFERRED);
    }

    @Test
    void cutsTheDepthIntoEqualBlocksWithoutAThinLastOne() {
        assertEquals(262, GemmDriver.blockDepth(784, 256), "784 = 262 + 262 + 260, not 256 + 256 + 256 + 16");
        assertEquals(256, GemmDriver.blockDepth(1024, 256));
        assertEquals(300, GemmDriver.blockDepth(300, 256), "up to 5/4 of kc stays one block");
        assertEquals(161, GemmDriver.blockDepth(321, 256));
        assertEquals(1, GemmDriver.blockDepth(1, 256));
        assertEquals(0, GemmDriver.blockDepth(0, 256));
        for (int threads : new int[] {1, 2}) {
            GemmCase mlpLayer = new GemmCase(1, 67, 40, 784, false, false, 0, 0, 0, 0, 0, 0, false, BIAS_TANH_ACC, threads, 17);
            mlpLayer.checkF32(PREFERRED);
            mlpLayer.checkF64(PREFERRED);
            new GemmCase(1, 70, 33, 321, true, true, 1, 2, 3, 1, 2, 3, false, Epilogue.NONE, threads, 19).checkF32(SCALAR);
        }
    }

    @Test
    void splitsLargeCallsAcrossThreadsAlongRowsColumnsOrBatches() {
        TileKernel kernel = KernelConfig.kernel(KernelConfig.DEFAULT_BITS, false);
        GemmCase rows = dense(1, 130, 130, 130, BIAS_TANH_ACC, 2);
        GemmCase columns = new GemmCase(1, 6, 900, 400, true, true, 0, 0, 0, 0, 0, 0, false, Epilogue.NONE, 2, 3);
        GemmCase batches = new GemmCase(4, 65, 65, 129, false, true, 1, 1, 1, 0, 0, 0, true, Epilogue.NONE.accumulating(), 2, 5);
        for (GemmCase c : List.of(rows, columns, batches)) {
            assertEquals(2, GemmDriver.parts(c.spec(), kernel), c.toString());
            c.checkF32(PREFERRED);
            c.checkF64(PREFERRED);
        }
        // cut along m, B packed once for both parts: several k blocks, both storage orders, odd sizes
        GemmCase shared = new GemmCase(1, 301, 40, 600, true, true, 1, 1, 1, 1, 2, 3, false,
                new Epilogue(Epilogue.Bias.ALONG_M, Activation.RELU, true), 2, 13);
        assertEquals(2, GemmDriver.parts(shared.spec(), kernel));
        for (Gemm gemm : List.of(PREFERRED, SCALAR, Gemm.withVectorBits(128))) {
            shared.checkF32(gemm);
            shared.checkF64(gemm);
        }
        // B packed by both parts in column chunks: several chunks and k blocks, a partial last panel
        for (boolean transB : new boolean[] {false, true}) {
            GemmCase chunked = new GemmCase(1, 300, 300, 700, false, transB, 0, 0, 0, 0, 0, 0, false, BIAS_TANH_ACC, 2, 23);
            assertEquals(2, GemmDriver.parts(chunked.spec(), kernel));
            for (Gemm gemm : List.of(PREFERRED, SCALAR, Gemm.withVectorBits(128))) {
                chunked.checkF32(gemm);
                chunked.checkF64(gemm);
            }
        }
        assertEquals(1, GemmDriver.parts(dense(1, 64, 64, 64, Epilogue.NONE, 2).spec(), kernel), "small calls stay on one thread");
        assertEquals(1, GemmDriver.parts(dense(1, 512, 512, 512, Epilogue.NONE, 1).spec(), kernel), "one thread allowed");
    }

    @Test
    void aSingleColumnIsAMatrixVectorProductInEveryLayoutAndWidth() {
        for (int bits : new int[] {0, 128, 256, 512}) {
            Gemm gemm = Gemm.withVectorBits(bits);
            long seed = 0;
            for (boolean transA : new boolean[] {false, true}) {
                for (boolean transB : new boolean[] {false, true}) {
                    for (int padB : new int[] {0, 2}) {
                        for (Epilogue e : List.of(Epilogue.NONE, BIAS_TANH_ACC, Epilogue.of(Epilogue.Bias.ALONG_M, Activation.RELU))) {
                            GemmCase c = new GemmCase(2, 37, 1, 45, transA, transB, 1, padB, 2, 1, 2, 3, false, e, 1, seed++);
                            c.checkF32(gemm);
                            c.checkF64(gemm);
                        }
                    }
                }
            }
        }
        GemmCase tall = new GemmCase(1, 5000, 1, 450, true, false, 0, 3, 0, 0, 0, 0, false, BIAS_TANH_ACC, 2, 11);
        assertEquals(2, GemmDriver.parts(tall.spec(), KernelConfig.kernel(KernelConfig.DEFAULT_BITS, false)));
        tall.checkF32(PREFERRED);
        tall.checkF64(PREFERRED);
    }

    @Test
    void aBatchOverASharedBIsOneTallerProduct() {
        GemmCase shared = new GemmCase(3, 5, 18, 7, false, true, 1, 0, 2, 0, 0, 0, true, BIAS_TANH_ACC, 1, 9);
        MatmulSpec folded = GemmDriver.folded(shared.spec());
        assertEquals(1, folded.batch());
        assertEquals(15, folded.m());
        shared.checkF32(PREFERRED);
        shared.checkF64(SCALAR);
        GemmCase biasAlongM = new GemmCase(3, 5, 18, 7, false, false, 0, 0, 0, 0, 0, 0, true,
                Epilogue.of(Epilogue.Bias.ALONG_M, Activation.NONE), 1, 9);
        assertEquals(3, GemmDriver.folded(biasAlongM.spec()).batch(), "a bias along m repeats per batch");
        assertEquals(3, GemmDriver.folded(new GemmCase(3, 5, 18, 7, true, false, 0, 0, 0, 0, 0, 0, true,
                Epilogue.NONE, 1, 9).spec()).batch(), "transposed A batches are not row blocks of one matrix");
    }

    @Test
    void anEmptySumStillAppliesTheEpilogue() {
        float[] c = {0.5f, -2f, 3f, 0.25f};
        float[] bias = {1f, 2f};
        MatmulSpec spec = MatmulSpec.of(2, 2, 0).withEpilogue(new Epilogue(Epilogue.Bias.ALONG_N, Activation.RELU, true));
        Gemm.f32(spec, new float[0], 0, new float[0], 0, c, 0, bias, 0);
        assertArrayEquals(new float[] {1.5f, 0f, 4f, 2.25f}, c);
    }

    @Test
    void aNaNInARowOfAReachesExactlyThatRowOfC() {
        for (Gemm gemm : List.of(PREFERRED, SCALAR)) {
            int m = 9, n = 37, k = 11;
            float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
            java.util.Arrays.fill(a, 0.5f);
            java.util.Arrays.fill(b, 0.25f);
            a[5 * k + 3] = Float.NaN;
            gemm.matmul(MatmulSpec.of(m, n, k), a, 0, b, 0, c, 0, null, 0);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) assertEquals(i == 5, Float.isNaN(c[i * n + j]), gemm + " C[" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void concurrentCallsOnSeparateOutputsAreIndependent() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                GemmCase c = new GemmCase(1 + i % 2, 12 + i, 33 - i, 20 + 3 * i, i % 2 == 0, i % 3 == 0, 0, 1, 0, 0, 0, 0, false,
                        BIAS_TANH_ACC, 1 + i % 2, i);
                results.add(pool.submit(() -> {
                    for (int rep = 0; rep < 3; rep++) {
                        c.checkF32(PREFERRED);
                        c.checkF64(PREFERRED);
                    }
                }));
            }
            for (Future<?> f : results) f.get();
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void outOfBoundsCallsThrowBeforeWritingC() {
        MatmulSpec spec = MatmulSpec.of(4, 4, 4);
        float[] a = new float[16], b = new float[16], c = new float[16];
        c[0] = 7;
        assertThrows(IndexOutOfBoundsException.class, () -> Gemm.f32(spec, a, 1, b, 0, c, 0, null, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> Gemm.f32(spec, a, 0, new float[15], 0, c, 0, null, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> Gemm.f32(spec, a, 0, b, 0, c, -1, null, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> Gemm.f32(spec.batched(2), a, 0, b, 0, c, 0, null, 0));
        MatmulSpec biased = spec.withEpilogue(Epilogue.of(Epilogue.Bias.ALONG_M, Activation.NONE));
        assertThrows(IllegalArgumentException.class, () -> Gemm.f32(biased, a, 0, b, 0, c, 0, null, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> Gemm.f32(biased, a, 0, b, 0, c, 0, new float[4], 1));
        assertThrows(IndexOutOfBoundsException.class, () -> Gemm.f64(MatmulSpec.of(2, 2, 2), new double[4], 0, new double[4], 0, new double[3], 0, null, 0));
        assertEquals(7, c[0]);
        assertEquals(0, c[1]);
    }

    @Test
    void emptyOutputsTouchNothing() {
        Gemm.f32(MatmulSpec.of(0, 5, 5), new float[0], 0, new float[25], 0, new float[0], 0, null, 0);
        Gemm.f64(MatmulSpec.of(3, 3, 3).batched(0), new double[0], 0, new double[0], 0, new double[0], 0, null, 0);
    }
}
