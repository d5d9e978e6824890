package org.nabla4j;

/**
 * Counters of one jitted function's compile cache.
 *
 * @param hits calls that found a compiled program for their signature
 * @param misses calls that had to trace and compile
 * @param traces times the Java function was traced (a miss, or a call inside another transformation
 *               whose program could not be reused)
 * @param entries programs currently cached
 * @param compileNanos total time spent tracing, simplifying and compiling
 */
public record CacheStats(long hits, long misses, long traces, int entries, long compileNanos) {}
