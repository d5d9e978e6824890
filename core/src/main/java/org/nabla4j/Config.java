package org.nabla4j;

import org.nabla4j.codegen.CodegenBackend;
import org.nabla4j.ir.Backend;

/**
 * Process-wide settings, read when a jitted function is created or compiles. The one mutable
 * singleton of nabla4j; setters are thread-safe and take effect for later compilations.
 */
public final class Config {
    private volatile int cacheSize = 64;
    private volatile int recompileWarningThreshold = 32;
    private volatile Backend backend = CodegenBackend.preferred();
    private volatile boolean debugNans;

    Config() {}

    /** Maximum compiled signatures kept per jitted function (least recently used are evicted). */
    public int cacheSize() { return cacheSize; }

    public Config cacheSize(int n) {
        if (n < 1) throw new NablaException("cacheSize must be >= 1, got " + n);
        cacheSize = n;
        return this;
    }

    /** After this many compilations of one function, each further one logs a warning with the reason. */
    public int recompileWarningThreshold() { return recompileWarningThreshold; }

    public Config recompileWarningThreshold(int n) {
        recompileWarningThreshold = n;
        return this;
    }

    /** The backend jit compiles with: bytecode generation by default. */
    public Backend backend() { return backend; }

    /** Sets the backend, e.g. {@link Backend#INTERPRETER} for debugging. */
    public Config backend(Backend b) {
        backend = java.util.Objects.requireNonNull(b);
        return this;
    }

    /** Whether NaN checking is on; see {@link #debugNans(boolean)}. */
    public boolean debugNans() { return debugNans; }

    /**
     * NaN checking: every eager operation that turns NaN-free inputs into a NaN throws
     * {@link NanError} naming the primitive and your line; a jitted call whose result holds a NaN
     * is re-run operation by operation to find the first one that made it. Slow; for debugging.
     */
    public Config debugNans(boolean on) {
        debugNans = on;
        return this;
    }

    /** Runs jitted programs in the reference interpreter (slow; for debugging and tests). */
    public Config useInterpreter() {
        return backend(Backend.INTERPRETER);
    }

    /** Compiles jitted programs to bytecode with the machine's preferred vector width (the default). */
    public Config useCompiler() {
        return backend(CodegenBackend.preferred());
    }

    /**
     * Compiles with a forced vector width in bits: 0 for scalar loops only, or 128, 256, 512 (and 64),
     * to test or debug code paths of other machines on this one.
     */
    public Config vectorWidth(int bits) {
        return backend(CodegenBackend.withVectorBits(bits));
    }
}
