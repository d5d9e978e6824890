package org.nabla4j.codegen.kernels;

/**
 * One thread's packing buffers, grown on demand and then reused by every call on that thread,
 * so a call allocates nothing once the buffers are large enough. Held in a {@link ThreadLocal}
 * by {@link GemmDriver}; only the shared B {@link #blocks} are read by other threads, during a
 * call of the thread that owns them. The largest are about {@code kc × nc} elements (4 MiB for
 * f32 at the default blocking), and the shared B at most {@link GemmDriver#SHARED_B_MAX}.
 */
final class Scratch {
    static final int PACKED_A = 0, PACKED_B = 1, TILE = 2;

    /** Buffers by {@code 2 * role + (f64 ? 1 : 0)}. */
    private final Object[] buffers = {new float[0], new double[0], new float[0], new double[0], new float[0], new double[0]};

    /** The k blocks of a whole packed B that the parts of one multi-threaded call share. */
    private float[][] sharedF32 = new float[0][];
    private double[][] sharedF64 = new double[0][];

    /**
     * {@code count} arrays of at least {@code size} elements, {@code float[]} or {@code double[]}:
     * the packed k blocks of B for a multi-threaded call that this thread runs.
     */
    Object[] blocks(boolean f64, int count, int size) {
        if (f64) {
            if (sharedF64.length < count) sharedF64 = java.util.Arrays.copyOf(sharedF64, count);
            for (int i = 0; i < count; i++) if (sharedF64[i] == null || sharedF64[i].length < size) sharedF64[i] = new double[size];
            return sharedF64;
        }
        if (sharedF32.length < count) sharedF32 = java.util.Arrays.copyOf(sharedF32, count);
        for (int i = 0; i < count; i++) if (sharedF32[i] == null || sharedF32[i].length < size) sharedF32[i] = new float[size];
        return sharedF32;
    }

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
