package org.nabla4j.codegen.kernels;

/**
 * One thread's packing buffers, grown on demand and then reused by every call on that thread,
 * so a call allocates nothing once the buffers are large enough. Held in a {@link ThreadLocal}
 * by {@link GemmDriver}; never shared between threads. The largest are about
 * {@code kc × nc} elements (4 MiB for f32 at the default blocking).
 */
final class Scratch {
    static final int PACKED_A = 0, PACKED_B = 1, TILE = 2;

    /** Buffers by {@code 2 * role + (f64 ? 1 : 0)}. */
    private final Object[] buffers = {new float[0], new double[0], new float[0], new double[0], new float[0], new double[0]};

    /** A {@code float[]} or {@code double[]} of at least {@code size} elements for {@code role}. */
    Object get(int role, boolean f64, int size) {
        int slot = 2 * role + (f64 ? 1 : 0);
        Object buffer = buffers[slot];
        int length = f64 ? ((double[]) buffer).length : ((float[]) buffer).length;
        if (length < size) {
            buffer = f64 ? new double[size] : new float[size];
            buffers[slot] = buffer;
        }
        return buffer;
    }
}
