package org.nabla4j.codegen.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.lang.constant.ConstantDescs;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Which vector width the kernels use, and the kernels of other widths.
 *
 * <p>The default width is read once, at class initialisation, from the system property
 * {@value #PROPERTY}: {@code scalar} (or {@code 0}), {@code 128}, {@code 256} or {@code 512};
 * unset or empty, it is the machine's preferred width. Without the {@code jdk.incubator.vector}
 * module in the module graph it is always scalar.
 *
 * <p>A vector kernel of another width is a hidden copy of {@link VectorKernelF32} or
 * {@link VectorKernelF64} defined from the same bytes with the width as class data, so its species
 * is a {@code static final} constant too and every width runs intrinsified (where the hardware
 * has it) side by side in one JVM. Hidden copies are defined lazily, once per width, and kept for
 * the life of the JVM (at most six small classes).
 */
final class KernelConfig {
    private KernelConfig() {}

    /** The system property that forces the default vector width. */
    static final String PROPERTY = "nabla.vectorBits";

    static final boolean VECTOR_MODULE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    /** The widths there are kernels for (initialised before {@link #DEFAULT_BITS}, whose parsing reads it). */
    private static final int[] WIDTHS = {0, 128, 256, 512};

    /** The default width in bits; 0 means scalar. */
    static final int DEFAULT_BITS = parse(System.getProperty(PROPERTY, ""));

    /** Kernels by width index, f32 and f64 interleaved; filled lazily under the class lock. */
    private static final TileKernel[] KERNELS = new TileKernel[2 * WIDTHS.length];

    /**
     * The width a vector kernel class was made for: its class data if it is a hidden copy, else
     * {@link #DEFAULT_BITS}. Called from the kernels' static initialisers.
     */
    static int bits(MethodHandles.Lookup kernelClass) {
        try {
            Integer bits = MethodHandles.classData(kernelClass, ConstantDescs.DEFAULT_NAME, Integer.class);
            return bits != null ? bits : DEFAULT_BITS;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The f32 or f64 kernel of a width: 0 (scalar), 128, 256 or 512 bits. */
    static synchronized TileKernel kernel(int bits, boolean f64) {
        int slot = 2 * widthIndex(bits) + (f64 ? 1 : 0);
        if (KERNELS[slot] == null) KERNELS[slot] = create(bits, f64);
        return KERNELS[slot];
    }

    static int parse(String value) {
        String v = value.strip();
        if (v.isEmpty()) return VECTOR_MODULE ? preferredBits() : 0;
        int bits = v.equalsIgnoreCase("scalar") ? 0 : parseInt(v);
        widthIndex(bits);
        return VECTOR_MODULE ? bits : 0;
    }

    private static int parseInt(String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PROPERTY + " must be scalar, 128, 256 or 512, got '" + v + "'");
        }
    }

    private static int widthIndex(int bits) {
        for (int i = 0; i < WIDTHS.length; i++) if (WIDTHS[i] == bits) return i;
        throw new IllegalArgumentException("vector width must be 0 (scalar), 128, 256 or 512 bits, got " + bits);
    }

    private static int preferredBits() {
        int bits = jdk.incubator.vector.VectorShape.preferredShape().vectorBitSize();
        return bits >= 128 ? Math.min(bits, 512) : 0;
    }

    private static TileKernel create(int bits, boolean f64) {
        if (bits == 0) return f64 ? ScalarKernel.F64 : ScalarKernel.F32;
        if (!VECTOR_MODULE) throw new UnsupportedOperationException("the jdk.incubator.vector module is not in the module graph (--add-modules=jdk.incubator.vector)");
        if (bits == DEFAULT_BITS) return f64 ? new VectorKernelF64() : new VectorKernelF32();
        Class<?> template = f64 ? VectorKernelF64.class : VectorKernelF32.class;
        try (InputStream in = template.getResourceAsStream(template.getSimpleName() + ".class")) {
            if (in == null) throw new IllegalStateException("class file of " + template.getName() + " not found");
            MethodHandles.Lookup copy = MethodHandles.lookup().defineHiddenClassWithClassData(in.readAllBytes(), bits, true);
            return (TileKernel) copy.findConstructor(copy.lookupClass(), MethodType.methodType(void.class)).invoke();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot define the " + bits + "-bit copy of " + template.getName(), e);
        }
    }
}
