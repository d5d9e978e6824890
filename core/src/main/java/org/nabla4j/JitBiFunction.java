package org.nabla4j;

import java.util.function.BiFunction;
import org.nabla4j.ir.Program;

/** A jitted two-argument function; see {@link JitFunction}. */
public final class JitBiFunction<A, B, R> implements BiFunction<A, B, R> {
    private final Jit jit;

    JitBiFunction(Jit jit) {
        this.jit = jit;
    }

    @Override
    @SuppressWarnings("unchecked")
    public R apply(A a, B b) {
        return (R) jit.call(new Object[] {a, b});
    }

    public CacheStats cacheStats() { return jit.stats(); }

    /** Why the latest call that missed the cache missed it. */
    public String explainLastMiss() { return jit.explainLastMiss(); }

    /** The simplified program this function runs for arguments like these. */
    public Program programFor(A a, B b) { return jit.programFor(new Object[] {a, b}); }
}
