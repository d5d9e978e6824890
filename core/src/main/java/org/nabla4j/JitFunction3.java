package org.nabla4j;

import org.nabla4j.ir.Program;

/** A jitted three-argument function; see {@link JitFunction}. */
public final class JitFunction3<A, B, C, R> implements Function3<A, B, C, R> {
    private final Jit jit;

    JitFunction3(Jit jit) {
        this.jit = jit;
    }

    @Override
    @SuppressWarnings("unchecked")
    public R apply(A a, B b, C c) {
        return (R) jit.call(new Object[] {a, b, c});
    }

    public CacheStats cacheStats() { return jit.stats(); }

    /** Why the latest call that missed the cache missed it. */
    public String explainLastMiss() { return jit.explainLastMiss(); }

    /** The simplified program this function runs for arguments like these. */
    public Program programFor(A a, B b, C c) { return jit.programFor(new Object[] {a, b, c}); }
}
