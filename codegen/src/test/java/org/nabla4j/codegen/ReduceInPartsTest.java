package org.nabla4j.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nabla4j.ir.Interpreter;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.ProgramParser;
import org.nabla4j.ir.Tensor;

/** Large full reductions run as row partials (split across cores) and then a reduction of the partials. */
class ReduceInPartsTest {
    @Test
    void largeFullReductionsAgreeWithTheInterpreterWhetherSplitOrNot() {
        for (String dtype : List.of("f32", "f64")) {
            for (String monoid : List.of("reduce_sum", "reduce_max", "reduce_min")) {
                // 65536 = 64 rows of 1024; 65537 is prime (no rows: one loop); (300, 256) read transposed (no rows).
                check("{ lambda ; x:T[65536]. let y:T[65536] = mul x x\n s:T[] = M[axes=(0)] y in (s) }", dtype, monoid, 2);
                check("{ lambda ; x:T[65537]. let y:T[65537] = mul x x\n s:T[] = M[axes=(0)] y in (s) }", dtype, monoid, 1);
                check("{ lambda ; x:T[256,300]. let t:T[300,256] = transpose[permutation=(1, 0)] x\n"
                        + " y:T[300,256] = sin t\n s:T[] = M[axes=(0, 1)] y in (s) }", dtype, monoid, 1);
                check("{ lambda ; x:T[2,600,70]. let y:T[2,600,70] = exp x\n s:T[] = M[axes=(0, 1, 2)] y in (s) }", dtype, monoid, 2);
            }
        }
    }

    private static void check(String text, String dtype, String monoid, int reduceLoops) {
        Program p = ProgramParser.parse(text.replace("T[", dtype + "[").replace("M[", monoid + "["));
        long reductions = FusionPlanner.plan(p).steps().stream()
                .filter(s -> s instanceof Plan.KernelStep k && k.kernel() instanceof Kernel.Reduce).count();
        assertEquals(reduceLoops, reductions, p::toString);
        Random r = new Random(text.hashCode());
        List<Tensor> args = p.inputTypes().stream().map(t -> FusedLoopSizesTest.random(t, r)).toList();
        List<Tensor> expected = Interpreter.run(p, List.of(), args);
        for (CodegenBackend backend : List.of(CodegenBackend.preferred(), CodegenBackend.withVectorBits(0), CodegenBackend.withParallelThreshold(1))) {
            CompiledMatchesInterpreterTest.assertClose(expected, backend.compile(p).run(List.of(), args), dtype.equals("f32") ? 1e-4 : 1e-10, p);
        }
    }
}
