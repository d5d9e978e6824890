package org.nabla4j.codegen.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

/** Forcing the vector width: each width gets its own kernel class whose species has that width. */
class KernelConfigTest {
    @Test
    void everyWidthHasKernelsOfThatWidth() {
        for (int bits : new int[] {0, 128, 256, 512}) {
            assertEquals(bits, Gemm.withVectorBits(bits).vectorBits());
            TileKernel f32 = KernelConfig.kernel(bits, false), f64 = KernelConfig.kernel(bits, true);
            if (bits > 0) {
                assertEquals(2 * bits / Float.SIZE, f32.nr(), "two f32 vectors per tile row");
                assertEquals(2 * bits / Double.SIZE, f64.nr(), "two f64 vectors per tile row");
            }
            assertEquals(0, f32.mc() % f32.mr());
            assertEquals(0, f32.nc() % f32.nr());
            assertEquals(0, f64.mc() % f64.mr());
            assertEquals(0, f64.nc() % f64.nr());
            assertSame(f32, KernelConfig.kernel(bits, false), "kernels are made once per width");
        }
    }

    @Test
    void otherWidthsAreHiddenCopiesOfTheSameKernelClass() {
        int other = KernelConfig.DEFAULT_BITS == 256 ? 128 : 256;
        Class<?> copy = KernelConfig.kernel(other, false).getClass();
        assertTrue(copy.isHidden(), copy.getName());
        assertTrue(copy.getName().startsWith(VectorKernelF32.class.getName()), copy.getName());
        assertNotSame(VectorKernelF32.class, copy);
        assertSame(Gemm.preferred(), Gemm.withVectorBits(KernelConfig.DEFAULT_BITS));
    }

    @Test
    void theWidthPropertyIsReadWhenThePackageIsFirstUsed() throws Exception {
        URL classes = Gemm.class.getProtectionDomain().getCodeSource().getLocation();
        String before = System.getProperty(KernelConfig.PROPERTY);
        try {
            for (String value : new String[] {"scalar", "128", "512"}) {
                System.setProperty(KernelConfig.PROPERTY, value);
                // a fresh loader initialises the package anew, as a JVM started with -Dnabla.vectorBits would
                try (URLClassLoader fresh = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
                    Object gemm = fresh.loadClass(Gemm.class.getName()).getMethod("preferred").invoke(null);
                    int bits = (int) gemm.getClass().getMethod("vectorBits").invoke(gemm);
                    assertEquals(value.equals("scalar") ? 0 : Integer.parseInt(value), bits);
                }
            }
        } finally {
            if (before == null) System.clearProperty(KernelConfig.PROPERTY);
            else System.setProperty(KernelConfig.PROPERTY, before);
        }
    }

    @Test
    void theWidthPropertyAcceptsScalarAndTheThreeVectorWidths() {
        assertEquals(0, KernelConfig.parse("scalar"));
        assertEquals(0, KernelConfig.parse(" 0 "));
        assertEquals(128, KernelConfig.parse("128"));
        assertEquals(512, KernelConfig.parse("512"));
        assertTrue(KernelConfig.parse("") >= 0);
        assertThrows(IllegalArgumentException.class, () -> KernelConfig.parse("64"));
        assertThrows(IllegalArgumentException.class, () -> KernelConfig.parse("wide"));
        assertThrows(IllegalArgumentException.class, () -> Gemm.withVectorBits(1024));
    }
}
