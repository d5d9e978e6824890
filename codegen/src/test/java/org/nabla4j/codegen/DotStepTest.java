package org.nabla4j.codegen;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nabla4j.ir.Interpreter;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.ProgramParser;
import org.nabla4j.ir.Tensor;

/** Matmul layouts of dot_general run on the GEMM kernel and agree with the interpreter. */
class DotStepTest {
    static final List<String> MATMULS = List.of(
            "a:T[5,7] b:T[7,3]. let c:T[5,3] = dot_general[lhs_contract=(1) rhs_contract=(0) lhs_batch=() rhs_batch=()] a b",
            "a:T[7,5] b:T[7,3]. let c:T[5,3] = dot_general[lhs_contract=(0) rhs_contract=(0) lhs_batch=() rhs_batch=()] a b",
            "a:T[5,7] b:T[3,7]. let c:T[5,3] = dot_general[lhs_contract=(1) rhs_contract=(1) lhs_batch=() rhs_batch=()] a b",
            "a:T[7,5] b:T[3,7]. let c:T[5,3] = dot_general[lhs_contract=(0) rhs_contract=(1) lhs_batch=() rhs_batch=()] a b",
            "a:T[4,5,7] b:T[4,7,3]. let c:T[4,5,3] = dot_general[lhs_contract=(2) rhs_contract=(1) lhs_batch=(0) rhs_batch=(0)] a b",
            "a:T[2,5,6,7] b:T[6,7,3]. let c:T[2,5,3] = dot_general[lhs_contract=(2, 3) rhs_contract=(0, 1) lhs_batch=() rhs_batch=()] a b",
            "a:T[7] b:T[7]. let c:T[] = dot_general[lhs_contract=(0) rhs_contract=(0) lhs_batch=() rhs_batch=()] a b",
            "a:T[37,41] b:T[41]. let c:T[37] = dot_general[lhs_contract=(1) rhs_contract=(0) lhs_batch=() rhs_batch=()] a b",
            "a:T[3,9,41] b:T[3,41]. let c:T[3,9] = dot_general[lhs_contract=(2) rhs_contract=(1) lhs_batch=(0) rhs_batch=(0)] a b",
            "a:T[41,37] b:T[41]. let c:T[37] = dot_general[lhs_contract=(0) rhs_contract=(0) lhs_batch=() rhs_batch=()] a b",
            "a:T[5,150] b:T[5]. let c:T[150] = dot_general[lhs_contract=(0) rhs_contract=(0) lhs_batch=() rhs_batch=()] a b",
            "a:T[3,41,70] b:T[3,41]. let c:T[3,70] = dot_general[lhs_contract=(1) rhs_contract=(1) lhs_batch=(0) rhs_batch=(0)] a b",
            "a:T[41] b:T[41,150]. let c:T[150] = dot_general[lhs_contract=(0) rhs_contract=(0) lhs_batch=() rhs_batch=()] a b",
            "a:T[41] b:T[37,41]. let c:T[37] = dot_general[lhs_contract=(0) rhs_contract=(1) lhs_batch=() rhs_batch=()] a b",
            "a:T[3,1,41] b:T[3,41,70]. let c:T[3,1,70] = dot_general[lhs_contract=(2) rhs_contract=(1) lhs_batch=(0) rhs_batch=(0)] a b",
            "a:T[3,41] b:T[3,9,41]. let c:T[3,9] = dot_general[lhs_contract=(1) rhs_contract=(2) lhs_batch=(0) rhs_batch=(0)] a b",
            // narrow products (fewer columns than a GEMM tile): a matrix-vector product per column
            "a:T[37,41] b:T[41,10]. let c:T[37,10] = dot_general[lhs_contract=(1) rhs_contract=(0) lhs_batch=() rhs_batch=()] a b",
            "a:T[41,37] b:T[41,10]. let c:T[37,10] = dot_general[lhs_contract=(0) rhs_contract=(0) lhs_batch=() rhs_batch=()] a b",
            "a:T[37,41] b:T[3,41]. let c:T[37,3] = dot_general[lhs_contract=(1) rhs_contract=(1) lhs_batch=() rhs_batch=()] a b",
            "a:T[2,9,41] b:T[2,41,5]. let c:T[2,9,5] = dot_general[lhs_contract=(2) rhs_contract=(1) lhs_batch=(0) rhs_batch=(0)] a b",
            "a:T[2,41,9] b:T[2,5,41]. let c:T[2,9,5] = dot_general[lhs_contract=(1) rhs_contract=(2) lhs_batch=(0) rhs_batch=(0)] a b",
            // large enough to run in parallel parts
            "a:T[601,500] b:T[500]. let c:T[601] = dot_general[lhs_contract=(1) rhs_contract=(0) lhs_batch=() rhs_batch=()] a b",
            "a:T[500,601] b:T[500]. let c:T[601] = dot_general[lhs_contract=(0) rhs_contract=(0) lhs_batch=() rhs_batch=()] a b",
            // narrow products large enough to share their row blocks between the cores (odd block counts)
            "a:T[301,700] b:T[700,7]. let c:T[301,7] = dot_general[lhs_contract=(1) rhs_contract=(0) lhs_batch=() rhs_batch=()] a b",
            "a:T[700,301] b:T[700,7]. let c:T[301,7] = dot_general[lhs_contract=(0) rhs_contract=(0) lhs_batch=() rhs_batch=()] a b",
            "a:T[2,700,301] b:T[2,7,700]. let c:T[2,301,7] = dot_general[lhs_contract=(1) rhs_contract=(2) lhs_batch=(0) rhs_batch=(0)] a b");

    @Test
    void matmulLayoutsUseTheKernelAndAgreeWithTheInterpreter() {
        for (String dtype : List.of("f32", "f64")) {
            for (String body : MATMULS) {
                Program p = ProgramParser.parse(("{ lambda ; " + body + "\n in (c) }").replace("T[", dtype + "["));
                Plan plan = FusionPlanner.plan(p);
                Plan.InterpretStep step = (Plan.InterpretStep) plan.steps().getFirst();
                assertNotNull(DotStep.tryCreate(step.equation(), step.operands(), step.operandTypes(), step.resultSlots()), body);
                Random r = new Random(body.hashCode());
                List<Tensor> args = p.inputTypes().stream().map(t -> FusedLoopSizesTest.random(t, r)).toList();
                CompiledMatchesInterpreterTest.assertClose(Interpreter.run(p, List.of(), args),
                        CodegenBackend.preferred().compile(p).run(List.of(), args), dtype.equals("f32") ? 1e-5 : 1e-12, body);
            }
        }
    }

    @Test
    void interleavedAxesStayWithTheInterpreter() {
        Program p = ProgramParser.parse("""
                { lambda ; a:f32[5,7,4] b:f32[4,7]. let
                    c:f32[5,4,4] = dot_general[lhs_contract=(1) rhs_contract=(1) lhs_batch=() rhs_batch=()] a b
                  in (c) }""");
        Plan.InterpretStep step = (Plan.InterpretStep) FusionPlanner.plan(p).steps().getFirst();
        assertNull(DotStep.tryCreate(step.equation(), step.operands(), step.operandTypes(), step.resultSlots()));
    }
}
