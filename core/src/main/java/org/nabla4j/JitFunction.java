package org.nabla4j;

import java.util.function.Function;
import org.nabla4j.ir.Program;

/**
 * A jitted one-argument function: calls with a new signature trace and compile; calls with a seen
 * signature only flatten the arguments, look up the cache and run.
 */
public final class JitFunction<A, R> implements Function<A, R> {
    private final Jit jit;

    JitFunction(Jit jit) {
        this.jit = jit;
    }

    @Override
    @SuppressWarnings("unchecked")
    public R apply(A a) {
        return (R) jit.call(new Object[] {a});
    }

    public CacheStats cacheStats() { return jit.stats(); }

    /** Why the latest call that missed the cache missed it: which leaf's shape or dtype, or which static argument, changed. */
    public String explainLastMiss() { return jit.explainLastMiss(); }

    /** The simplified program this function runs for an argument like {@code a}. */
    public Program programFor(A a) { return jit.programFor(new Object[] {a}); }
}
