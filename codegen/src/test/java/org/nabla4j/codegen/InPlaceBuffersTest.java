package org.nabla4j.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nabla4j.ir.Backend;
import org.nabla4j.ir.Interpreter;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.ProgramParser;
import org.nabla4j.ir.Tensor;

/** An elementwise loop overwrites an operand in place only where no one reads that operand afterwards. */
class InPlaceBuffersTest {

    @Test
    void aRowSoftmaxWritesItsExponentialsIntoTheOutputAndDividesThemInPlace() {
        Program p = ProgramParser.parse(RowBlockingTest.SOFTMAX);
        List<Kernel> loops = loops(CodegenBackend.preferred().plan(p));
        assertEquals(4, loops.size(), loops::toString);
        int output = loops.get(3).outSlot();
        assertEquals(output, loops.get(1).outSlot(), "exp(x - max) goes straight into the output");
        assertCompiledMatchesInterpreter(p);
    }

    @Test
    void aChainOfLoopsCutApartSharesOneBuffer() {
        Program p = ProgramParser.parse("""
                { lambda ; x:f32[1000]. let
                    a:f32[1000] = sin x
                    b:f32[1000] = exp a
                    c:f32[1000] = tanh b
                    d:f32[1000] = mul c x
                  in (d) }""");
        List<Kernel> loops = loops(CodegenBackend.withMaxKernelWeight(256, 1).plan(p));
        assertEquals(4, loops.size(), loops::toString);
        for (Kernel k : loops) assertEquals(loops.getLast().outSlot(), k.outSlot(), loops::toString);
        assertCompiledMatchesInterpreter(p);
    }

    @Test
    void anOperandReadLaterOrElsewhereKeepsItsBuffer() {
        // e is read by a later loop (c), at another element (transposed, in t), and is an output (in the
        // last program); a is read by an interpreted sort.
        for (String text : List.of("""
                { lambda ; x:f32[500]. let
                    e:f32[500] = exp x
                    b:f32[500] = mul e 2.0:f32
                    c:f32[500] = add e 1.0:f32
                  in (b, c) }""", """
                { lambda ; x:f32[20,20]. let
                    e:f32[20,20] = exp x
                    t:f32[20,20] = transpose[permutation=(1, 0)] e
                    y:f32[20,20] = add e t
                  in (y) }""", """
                { lambda ; x:f32[500]. let
                    a:f32[500] = exp x
                    s:f32[500] = sort[dimension=0 num_keys=1] a
                    y:f32[500] = mul a 3.0:f32
                  in (y, s) }""", """
                { lambda ; x:f32[500]. let
                    e:f32[500] = exp x
                    y:f32[500] = mul e 2.0:f32
                  in (y, e) }""")) {
            Program p = ProgramParser.parse(text);
            List<Kernel> loops = loops(CodegenBackend.withMaxKernelWeight(256, 1).plan(p));
            Kernel first = loops.getFirst();
            for (Kernel later : loops.subList(1, loops.size() - (text.contains("c:f32") ? 1 : 0))) {
                assertNotEquals(first.outSlot(), later.outSlot(), () -> text + "\n" + loops);
            }
            assertCompiledMatchesInterpreter(p);
        }
    }

    private static List<Kernel> loops(Plan plan) {
        List<Kernel> out = new ArrayList<>();
        for (Plan.Step s : plan.steps()) {
            if (s instanceof Plan.KernelStep k) out.add(k.kernel());
            if (s instanceof Plan.RowBlockStep g) out.addAll(g.kernels());
        }
        return out;
    }

    private static void assertCompiledMatchesInterpreter(Program p) {
        Random r = new Random(5);
        List<Tensor> args = p.inputTypes().stream().map(t -> FusedLoopSizesTest.random(t, r)).toList();
        List<Tensor> expected = Interpreter.run(p, List.of(), args);
        for (CodegenBackend backend : List.of(CodegenBackend.withVectorBits(0), CodegenBackend.withVectorBits(256),
                CodegenBackend.withParallelThreshold(1))) {
            CompiledMatchesInterpreterTest.verify(backend.bytecode(p));
            Backend.Executable exe = backend.compile(p);
            CompiledMatchesInterpreterTest.assertClose(expected, exe.run(List.of(), args), 1e-5, backend);
            CompiledMatchesInterpreterTest.assertClose(expected, exe.run(List.of(), args), 1e-5, backend + ", second call");
        }
    }
}
