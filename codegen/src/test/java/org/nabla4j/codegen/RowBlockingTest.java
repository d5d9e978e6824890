package org.nabla4j.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nabla4j.ir.Interpreter;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.ProgramParser;
import org.nabla4j.ir.Tensor;

/** Consecutive loops over the same rows run block by block, and only when every read stays within the row. */
class RowBlockingTest {
    static final String SOFTMAX = """
            { lambda ; x:f32[300,100]. let
                m:f32[300] = reduce_max[axes=(1)] x
                b:f32[300,100] = broadcast_in_dim[shape=(300, 100) dims=(0)] m
                d:f32[300,100] = sub x b
                e:f32[300,100] = exp d
                s:f32[300] = reduce_sum[axes=(1)] e
                t:f32[300,100] = broadcast_in_dim[shape=(300, 100) dims=(0)] s
                y:f32[300,100] = div e t
              in (y) }""";

    @Test
    void aRowSoftmaxIsOneGroupOfFourLoopsRunBlockByBlock() {
        Program p = ProgramParser.parse(SOFTMAX);
        Plan plan = RowBlocking.apply(FusionPlanner.plan(p));
        assertEquals(1, plan.steps().size(), plan.steps()::toString);
        Plan.RowBlockStep group = (Plan.RowBlockStep) plan.steps().getFirst();
        assertEquals(4, group.kernels().size());
        assertEquals(300, group.rows());
        assertTrue(group.blockRows() < 300, "blocks of " + group.blockRows() + " rows");
        assertCompiledMatchesInterpreter(p, 1);
    }

    static final String READS_ANOTHER_ROW = """
            { lambda ; x:f32[64,64]. let
                e:f32[64,64] = exp x
                s:f32[64] = reduce_sum[axes=(1)] e
                t:f32[64,64] = transpose[permutation=(1, 0)] e
                u:f32[64,64] = broadcast_in_dim[shape=(64, 64) dims=(1)] s
                y:f32[64,64] = add t u
              in (y, s) }""";

    @Test
    void aLoopThatReadsOtherRowsOfAnEarlierResultWaitsForAllOfIt() {
        Program p = ProgramParser.parse(READS_ANOTHER_ROW);
        Plan plan = RowBlocking.apply(FusionPlanner.plan(p));
        // exp and the row sums may share blocks; the transposed read of exp, and the read of every
        // row sum in each row, may not.
        for (Plan.Step s : plan.steps()) {
            if (s instanceof Plan.RowBlockStep g) {
                for (Kernel k : g.kernels()) assertTrue(k.shape().length == 2, g::toString);
                assertTrue(g.kernels().size() <= 2, g::toString);
            }
        }
        assertCompiledMatchesInterpreter(p, 2);
    }

    static final String ONE_DIMENSIONAL = """
            { lambda ; x:f32[70000]. let
                e:f32[70000] = exp x
                a:f32[70000] = mul e 2.0:f32
                s:f32[1] = slice[start=(69999) limit=(70000) strides=(1)] e
                t:f32[] = reshape[shape=()] s
                u:f32[70000] = broadcast_in_dim[shape=(70000) dims=()] t
                b:f32[70000] = add e u
              in (a, b) }""";

    @Test
    void oneDimensionalLoopsGroupElementByElementButNotWhenReadingAnotherElement() {
        Program p = ProgramParser.parse(ONE_DIMENSIONAL);
        Plan plan = CodegenBackend.preferred().plan(p);
        // exp and 2e share blocks; e + (e's last element) reads an element of the last block, so it waits.
        Plan.RowBlockStep group = (Plan.RowBlockStep) plan.steps().getFirst();
        assertEquals(2, group.kernels().size(), plan.steps()::toString);
        assertEquals(70000, group.rows());
        assertCompiledMatchesInterpreter(p, 3);
    }

    private static void assertCompiledMatchesInterpreter(Program p, long seed) {
        Random r = new Random(seed);
        List<Tensor> args = p.inputTypes().stream().map(t -> FusedLoopSizesTest.random(t, r)).toList();
        List<Tensor> expected = Interpreter.run(p, List.of(), args);
        for (CodegenBackend backend : List.of(CodegenBackend.withVectorBits(0), CodegenBackend.withVectorBits(256),
                CodegenBackend.withParallelThreshold(1))) {
            CompiledMatchesInterpreterTest.verify(backend.bytecode(p));
            CompiledMatchesInterpreterTest.assertClose(expected, backend.compile(p).run(List.of(), args), 1e-5, backend);
        }
    }
}
