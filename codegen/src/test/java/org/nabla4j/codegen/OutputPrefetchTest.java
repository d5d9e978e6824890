package org.nabla4j.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.nabla4j.DType;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Interpreter;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.ProgramParser;
import org.nabla4j.ir.Shape;
import org.nabla4j.ir.Tensor;

/** Large outputs come from arrays allocated in the background: each call still gets arrays of its own. */
class OutputPrefetchTest {
    static final String LARGE = """
            { lambda ; x:f32[300000] y:f32[300000]. let
                a:f32[300000] = exp x
                b:f32[300000] = mul a y
                s:f32[] = reduce_sum[axes=(0)] b
              in (b, s, a) }""";

    @Test
    void aCallTakesThePreparedOutputsAndTheyStayItsOwn() throws Exception {
        Program p = ProgramParser.parse(LARGE);
        CompiledProgram compiled = (CompiledProgram) CodegenBackend.preferred().compile(p);
        List<Tensor> args1 = args(p, 1), args2 = args(p, 2);
        List<Tensor> first = compiled.run(List.of(), args1);
        awaitPrefetch(compiled);
        long taken = compiled.prefetchedOutputsTaken();
        List<Tensor> second = compiled.run(List.of(), args2);
        assertEquals(taken + 2, compiled.prefetchedOutputsTaken(), "both large outputs came prepared");
        assertNotSame(first.get(0).data(), second.get(0).data());
        assertNotSame(first.get(2).data(), second.get(2).data());
        CompiledMatchesInterpreterTest.assertClose(Interpreter.run(p, List.of(), args2), second, 1e-5, "second call");
        CompiledMatchesInterpreterTest.assertClose(Interpreter.run(p, List.of(), args1), first, 1e-5, "first call, after the second");
    }

    @Test
    void concurrentCallsGetDistinctCorrectOutputs() throws Exception {
        Program p = ProgramParser.parse(LARGE);
        CompiledProgram compiled = (CompiledProgram) CodegenBackend.preferred().compile(p);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<Object>>> calls = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                calls.add(pool.submit(() -> {
                    List<Object> arrays = new ArrayList<>();
                    for (int i = 0; i < 10; i++) {
                        List<Tensor> args = args(p, 100 * thread + i);
                        List<Tensor> out = compiled.run(List.of(), args);
                        CompiledMatchesInterpreterTest.assertClose(Interpreter.run(p, List.of(), args), out, 1e-5, "call " + i);
                        arrays.add(out.get(0).data());
                        arrays.add(out.get(2).data());
                    }
                    return arrays;
                }));
            }
            Set<Object> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
            int total = 0;
            for (Future<List<Object>> f : calls) {
                for (Object a : f.get()) {
                    distinct.add(a);
                    total++;
                }
            }
            assertTrue(distinct.size() == total, distinct.size() + " distinct output arrays of " + total);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void smallOutputsAreAllocatedByTheCall() {
        List<AbstractArray> slots = List.of(new AbstractArray(DType.F32, Shape.of(1000)), new AbstractArray(DType.F64, Shape.of(200_000)));
        assertNull(OutputPrefetch.of(new int[] {0}, slots));
        assertTrue(OutputPrefetch.of(new int[] {0, 1}, slots) != null || Runtime.getRuntime().availableProcessors() < 2);
    }

    private static void awaitPrefetch(CompiledProgram compiled) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!compiled.outputsPrefetched()) {
            assertTrue(System.nanoTime() < deadline, "the next call's outputs were not prepared within 30 s");
            Thread.sleep(1);
        }
    }

    private static List<Tensor> args(Program p, long seed) {
        Random r = new Random(seed);
        return p.inputTypes().stream().map(t -> FusedLoopSizesTest.random(t, r)).toList();
    }
}
