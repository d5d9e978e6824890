package org.nabla4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import org.junit.jupiter.api.Test;
import org.nabla4j.ir.Backend;

/**
 * A jitted function called with ever new shapes compiles a hidden class per shape; with a bounded
 * cache, the evicted ones are unloaded and metaspace stays bounded. 2,000 shapes by default;
 * 10,000 in deep runs ({@code -Dnabla.tries=1000}), or any number with {@code -Dnabla.metaspace.shapes=N}.
 */
class JitMetaspaceTest {
    static final int SHAPES = Integer.getInteger("nabla.metaspace.shapes",
            Integer.getInteger("nabla.tries", 60) >= 1000 ? 10_000 : 2_000);
    static final int CACHE_SIZE = 8;
    /**
     * A compiled class kept alive takes about 3.9 KB of metaspace (measured: 400 retained, +1.5 MB),
     * so 2,000 kept would take 7.7 MB and 10,000 38 MB. With eviction, metaspace grew by 0.7 MB
     * after 2,000 shapes and after 10,000 alike: classes the first calls load once, not per shape.
     */
    static final long MAX_METASPACE_GROWTH = 3L << 20;

    @Test
    void thousandsOfShapesThroughOneJittedFunctionWithASmallCacheLeaveMetaspaceBounded() {
        Config config = Nabla.config();
        Backend backend = config.backend();
        int cacheSize = config.cacheSize(), warnAfter = config.recompileWarningThreshold();
        try {
            config.useCompiler().cacheSize(CACHE_SIZE).recompileWarningThreshold(Integer.MAX_VALUE);
            // Load and initialise the compiler's own classes first, so that only compiled programs come and go below.
            var warmUp = Nabla.jit((NDArray x) -> Np.sin(x).mul(2).add(1));
            for (int n = 1; n <= 20; n++) warmUp.apply(NDArray.ones(DType.F32, n));
            warmUp = null;
            collectGarbage();
            ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
            long metaspaceBefore = metaspaceUsed(), loadedBefore = classes.getTotalLoadedClassCount(),
                    unloadedBefore = classes.getUnloadedClassCount();

            var f = Nabla.jit((NDArray x) -> Np.sin(x).mul(2).add(1));
            for (int n = 1; n <= SHAPES; n++) {
                NDArray y = f.apply(NDArray.ones(DType.F32, n));
                if (n % 997 == 0) assertEquals(2 * Math.sin(1) + 1, y.toDoubleArray()[n - 1], 1e-6);
            }
            collectGarbage();
            long loaded = classes.getTotalLoadedClassCount() - loadedBefore, unloaded = classes.getUnloadedClassCount() - unloadedBefore;
            long growth = metaspaceUsed() - metaspaceBefore;
            String figures = SHAPES + " shapes: " + f.cacheStats() + ", classes loaded " + loaded + ", unloaded " + unloaded
                    + ", metaspace growth " + growth + " bytes";

            assertEquals(SHAPES, f.cacheStats().misses(), figures);
            assertEquals(CACHE_SIZE, f.cacheStats().entries(), figures);
            assertTrue(loaded >= SHAPES, "one class per compiled shape: " + figures);
            assertTrue(unloaded >= SHAPES / 2, "evicted programs' classes are unloaded: " + figures);
            assertTrue(growth < MAX_METASPACE_GROWTH, figures);
        } finally {
            config.backend(backend).cacheSize(cacheSize).recompileWarningThreshold(warnAfter);
        }
    }

    /** Full collections, which unload classes no longer reachable. */
    private static void collectGarbage() {
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static long metaspaceUsed() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getName().equals("Metaspace")) return pool.getUsage().getUsed();
        }
        throw new AssertionError("no Metaspace memory pool in " + ManagementFactory.getMemoryPoolMXBeans().stream().map(MemoryPoolMXBean::getName).toList());
    }
}
