package org.nabla4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class JitCacheTest {
    record Params(NDArray w, NDArray b) {}

    @Test
    void aSecondCallWithTheSameShapesDoesNotRetrace() {
        AtomicInteger traces = new AtomicInteger();
        var f = Nabla.jit((NDArray x) -> {
            traces.incrementAndGet();
            return x.mul(2).add(1);
        });
        f.apply(NDArray.of(1f, 2f, 3f));
        NDArray y = f.apply(NDArray.of(4f, 5f, 6f));
        assertArrayEquals(new float[] {9, 11, 13}, y.toFloatArray());
        assertEquals(1, traces.get());
        assertEquals(new CacheStats(1, 1, 1, 1, f.cacheStats().compileNanos()), f.cacheStats());
    }

    @Test
    void aNewShapeRetracesOnceAndTheExplanationNamesTheLeaf() {
        var f = Nabla.jit((Params p) -> p.w().matmul(p.b()));
        f.apply(new Params(NDArray.ones(DType.F32, 3, 4), NDArray.ones(DType.F32, 4)));
        f.apply(new Params(NDArray.ones(DType.F32, 5, 4), NDArray.ones(DType.F32, 4)));
        f.apply(new Params(NDArray.ones(DType.F32, 5, 4), NDArray.ones(DType.F32, 4)));
        assertEquals(2, f.cacheStats().traces());
        assertEquals(1, f.cacheStats().hits());
        String why = f.explainLastMiss();
        assertTrue(why.contains("args[0].w") && why.contains("f32[3,4]") && why.contains("f32[5,4]"), why);
        assertTrue(!why.contains("args[0].b"), why);
    }

    @Test
    void aNewDTypeIsANewSignature() {
        var f = Nabla.jit((NDArray x) -> x.add(1));
        f.apply(NDArray.of(1f));
        assertEquals(DType.F64, f.apply(NDArray.of(1.0)).dtype());
        assertTrue(f.explainLastMiss().contains("f64[1]"), f.explainLastMiss());
    }

    @Test
    void staticArgumentsArePartOfTheKey() {
        var f = Nabla.jit((NDArray x, Double scale) -> x.mul(scale));
        assertEquals(2.0, f.apply(NDArray.of(1f), 2.0).item());
        assertEquals(3.0, f.apply(NDArray.of(1f), 3.0).item());
        assertEquals(2.0, f.apply(NDArray.of(1f), 2.0).item());
        assertEquals(2, f.cacheStats().misses());
        assertTrue(f.explainLastMiss().contains("static"), f.explainLastMiss());
    }

    @Test
    void capturedArraysBecomeConstants() {
        NDArray bias = NDArray.of(10f, 20f);
        var f = Nabla.jit((NDArray x) -> x.add(bias));
        assertArrayEquals(new float[] {11, 22}, f.apply(NDArray.of(1f, 2f)).toFloatArray());
        assertEquals(1, f.programFor(NDArray.of(1f, 2f)).constVars().size());
    }

    @Test
    void pytreeResultsKeepTheirStructure() {
        var f = Nabla.jit((Params p) -> new Params(p.b(), p.w()));
        Params out = f.apply(new Params(NDArray.of(1f), NDArray.of(2.0)));
        assertEquals(DType.F64, out.w().dtype());
        assertEquals(1.0, out.b().item());
    }

    @Test
    void jitOfJitInlines() {
        var inner = Nabla.jit((NDArray x) -> x.mul(3));
        var outer = Nabla.jit((NDArray x) -> inner.apply(x).add(1));
        assertEquals(7.0, outer.apply(NDArray.of(2f)).item());
        assertEquals(0, outer.programFor(NDArray.of(2f)).constVars().size());
    }

    @Test
    void theCacheIsBoundedPerFunction() {
        int old = Nabla.config().cacheSize();
        Nabla.config().cacheSize(4);
        try {
            var f = Nabla.jit((NDArray x) -> x.add(1));
            for (int n = 1; n <= 10; n++) f.apply(NDArray.zeros(DType.F32, n));
            assertEquals(4, f.cacheStats().entries());
            assertEquals(10, f.cacheStats().misses());
        } finally {
            Nabla.config().cacheSize(old);
        }
    }

    @Test
    void manyThreadsWithMixedShapesCompileEachSignatureOnce() throws Exception {
        AtomicInteger traces = new AtomicInteger();
        var f = Nabla.jit((NDArray x) -> {
            traces.incrementAndGet();
            return x.mul(x).sum();
        });
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                int n = 1 + i % 5;
                results.add(pool.submit(() -> f.apply(NDArray.ones(DType.F32, n)).item() == n));
            }
            for (Future<Boolean> r : results) assertTrue(r.get());
        } finally {
            pool.shutdown();
        }
        assertEquals(5, traces.get());
        assertEquals(5, f.cacheStats().misses());
    }

    @Test
    void identityReturnsTheArgumentValue() {
        var f = Nabla.jit((NDArray x) -> x);
        NDArray x = NDArray.of(1, 2, 3);
        assertArrayEquals(new int[] {1, 2, 3}, f.apply(x).toIntArray());
        assertSame(DType.I32, f.apply(x).dtype());
    }
}
