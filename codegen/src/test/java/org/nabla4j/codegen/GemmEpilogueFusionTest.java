package org.nabla4j.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nabla4j.codegen.kernels.Activation;
import org.nabla4j.codegen.kernels.Epilogue;
import org.nabla4j.codegen.kernels.Epilogue.Bias;
import org.nabla4j.ir.Interpreter;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.ProgramParser;
import org.nabla4j.ir.Tensor;

/**
 * A matmul followed by a broadcast bias and optionally tanh or relu is planned as one GEMM call
 * with an epilogue, and computes what the interpreter computes; anything else keeps its GEMM
 * call and fused loop. Programs are written with {@code T} for the dtype and run in f32 and f64.
 */
class GemmEpilogueFusionTest {

    /** A product, the bias's broadcast over it, and the epilogue's bias axis. */
    record Layer(String name, String inputs, String product, String dot, String broadcast, Bias axis) {}

    static final String MATMUL = "lhs_contract=(1) rhs_contract=(0) lhs_batch=() rhs_batch=()";

    static final List<Layer> LAYERS = List.of(
            new Layer("dense", "x:T[5,7] w:T[7,9] b:T[9]", "T[5,9]",
                    "dot_general[" + MATMUL + "] x w", "broadcast_in_dim[shape=(5, 9) dims=(1)] b", Bias.ALONG_N),
            new Layer("bias per row", "x:T[5,7] w:T[7,9] b:T[5]", "T[5,9]",
                    "dot_general[" + MATMUL + "] x w", "broadcast_in_dim[shape=(5, 9) dims=(0)] b", Bias.ALONG_M),
            new Layer("A transposed", "x:T[7,5] w:T[7,9] b:T[9]", "T[5,9]",
                    "dot_general[lhs_contract=(0) rhs_contract=(0) lhs_batch=() rhs_batch=()] x w",
                    "broadcast_in_dim[shape=(5, 9) dims=(1)] b", Bias.ALONG_N),
            new Layer("B transposed, bias per row", "x:T[5,7] w:T[9,7] b:T[5]", "T[5,9]",
                    "dot_general[lhs_contract=(1) rhs_contract=(1) lhs_batch=() rhs_batch=()] x w",
                    "broadcast_in_dim[shape=(5, 9) dims=(0)] b", Bias.ALONG_M),
            new Layer("both transposed", "x:T[7,5] w:T[9,7] b:T[9]", "T[5,9]",
                    "dot_general[lhs_contract=(0) rhs_contract=(1) lhs_batch=() rhs_batch=()] x w",
                    "broadcast_in_dim[shape=(5, 9) dims=(1)] b", Bias.ALONG_N),
            new Layer("batched", "x:T[4,5,7] w:T[4,7,9] b:T[9]", "T[4,5,9]",
                    "dot_general[lhs_contract=(2) rhs_contract=(1) lhs_batch=(0) rhs_batch=(0)] x w",
                    "broadcast_in_dim[shape=(4, 5, 9) dims=(2)] b", Bias.ALONG_N),
            new Layer("batched, bias per row", "x:T[4,5,7] w:T[4,7,9] b:T[5]", "T[4,5,9]",
                    "dot_general[lhs_contract=(2) rhs_contract=(1) lhs_batch=(0) rhs_batch=(0)] x w",
                    "broadcast_in_dim[shape=(4, 5, 9) dims=(1)] b", Bias.ALONG_M),
            new Layer("batched, both transposed", "x:T[4,7,5] w:T[4,9,7] b:T[9]", "T[4,5,9]",
                    "dot_general[lhs_contract=(1) rhs_contract=(2) lhs_batch=(0) rhs_batch=(0)] x w",
                    "broadcast_in_dim[shape=(4, 5, 9) dims=(2)] b", Bias.ALONG_N),
            new Layer("two column axes", "x:T[2,5,6,7] w:T[6,7,3,4] b:T[3,4]", "T[2,5,3,4]",
                    "dot_general[lhs_contract=(2, 3) rhs_contract=(0, 1) lhs_batch=() rhs_batch=()] x w",
                    "broadcast_in_dim[shape=(2, 5, 3, 4) dims=(2, 3)] b", Bias.ALONG_N),
            new Layer("two row axes", "x:T[2,5,6,7] w:T[6,7,3,4] b:T[2,5]", "T[2,5,3,4]",
                    "dot_general[lhs_contract=(2, 3) rhs_contract=(0, 1) lhs_batch=() rhs_batch=()] x w",
                    "broadcast_in_dim[shape=(2, 5, 3, 4) dims=(0, 1)] b", Bias.ALONG_M),
            // an empty contraction: the product is zero and the epilogue still applies
            new Layer("k = 0", "x:T[5,0] w:T[0,9] b:T[9]", "T[5,9]",
                    "dot_general[" + MATMUL + "] x w", "broadcast_in_dim[shape=(5, 9) dims=(1)] b", Bias.ALONG_N),
            // large enough for full vector tiles, several k blocks' worth of rows and two threads
            new Layer("large", "x:T[150,140] w:T[140,130] b:T[130]", "T[150,130]",
                    "dot_general[" + MATMUL + "] x w", "broadcast_in_dim[shape=(150, 130) dims=(1)] b", Bias.ALONG_N),
            new Layer("large, bias per row", "x:T[150,140] w:T[140,130] b:T[150]", "T[150,130]",
                    "dot_general[" + MATMUL + "] x w", "broadcast_in_dim[shape=(150, 130) dims=(0)] b", Bias.ALONG_M));

    /** {@code activation(dot + bias)}, the bias broadcast after the product as the tracer writes it. */
    static String program(Layer l, Activation activation, String dtype) {
        String last = switch (activation) {
            case NONE -> "";
            case TANH -> "    f:P = tanh e\n";
            case RELU -> "    f:P = max e 0.0:T\n";
        };
        return ("{ lambda ; " + l.inputs() + ". let\n"
                + "    c:P = " + l.dot() + "\n"
                + "    d:P = " + l.broadcast() + "\n"
                + "    e:P = add c d\n"
                + last
                + "  in (" + (activation == Activation.NONE ? "e" : "f") + ") }")
                .replace("P", l.product()).replace("T[", dtype + "[").replace(":T", ":" + dtype);
    }

    @TestFactory
    Stream<DynamicTest> aBiasAndAnActivationAfterAMatmulAreItsEpilogue() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String dtype : List.of("f32", "f64")) {
            for (Layer l : LAYERS) {
                for (Activation a : Activation.values()) {
                    String text = program(l, a, dtype);
                    tests.add(DynamicTest.dynamicTest(dtype + " " + l.name() + " " + a, () -> {
                        Program p = ProgramParser.parse(text);
                        if (dtype.equals("f32") && a == Activation.TANH) {
                            // f32 tanh stays a loop (faster than the kernel's), reading the biased product.
                            List<Plan.Step> steps = FusionPlanner.plan(p).steps();
                            assertEquals(2, steps.size(), steps::toString);
                            assertEquals(Epilogue.of(l.axis(), Activation.NONE), ((Plan.FusedDotStep) steps.get(0)).epilogue(), text);
                            assertTrue(steps.get(1) instanceof Plan.KernelStep, steps::toString);
                        } else {
                            assertEquals(Epilogue.of(l.axis(), a), onlyStep(FusionPlanner.plan(p)).epilogue(), text);
                        }
                        assertCompiledMatchesInterpreter(p);
                    }));
                }
            }
        }
        return tests.stream();
    }

    @Test
    void operandOrderAndTheBroadcastsPlaceDoNotMatter() {
        for (String dtype : List.of("f32", "f64")) {
            Program p = parse(dtype, """
                    { lambda ; x:T[6,8] w:T[8,10] b:T[10]. let
                        d:T[6,10] = broadcast_in_dim[shape=(6, 10) dims=(1)] b
                        c:T[6,10] = dot_general[lhs_contract=(1) rhs_contract=(0) lhs_batch=() rhs_batch=()] x w
                        e:T[6,10] = add d c
                        f:T[6,10] = max 0.0:T e
                      in (f) }""");
            assertEquals(Epilogue.of(Bias.ALONG_N, Activation.RELU), onlyStep(FusionPlanner.plan(p)).epilogue());
            assertCompiledMatchesInterpreter(p);
        }
    }

    @Test
    void aSliceOfALongerVectorIsReadAtItsOffset() {
        Program p = parse("f64", """
                { lambda ; x:T[6,8] w:T[8,10] b:T[14]. let
                    c:T[6,10] = dot_general[lhs_contract=(1) rhs_contract=(0) lhs_batch=() rhs_batch=()] x w
                    s:T[10] = slice[start=(3) limit=(13) strides=(1)] b
                    d:T[6,10] = broadcast_in_dim[shape=(6, 10) dims=(1)] s
                    e:T[6,10] = add c d
                    f:T[6,10] = tanh e
                  in (f) }""");
        Plan.FusedDotStep step = onlyStep(FusionPlanner.plan(p));
        assertEquals(3, step.biasOffset());
        assertCompiledMatchesInterpreter(p);
    }

    @Test
    void aComputedBiasIsComputedAsAVectorThenFused() {
        Program p = parse("f64", """
                { lambda ; x:T[6,8] w:T[8,10] b:T[10]. let
                    c:T[6,10] = dot_general[lhs_contract=(1) rhs_contract=(0) lhs_batch=() rhs_batch=()] x w
                    s:T[10] = mul b b
                    d:T[6,10] = broadcast_in_dim[shape=(6, 10) dims=(1)] s
                    e:T[6,10] = add c d
                    f:T[6,10] = tanh e
                  in (f) }""");
        Plan plan = FusionPlanner.plan(p);
        assertEquals(2, plan.steps().size());
        Plan.KernelStep square = assertInstanceOf(Plan.KernelStep.class, plan.steps().get(0));
        assertEquals(10, plan.slots().get(square.kernel().outSlot()).shape().size());
        assertEquals(Epilogue.of(Bias.ALONG_N, Activation.TANH), assertInstanceOf(Plan.FusedDotStep.class, plan.steps().get(1)).epilogue());
        assertCompiledMatchesInterpreter(p);
    }

    @Test
    void anActivationWhoseInputIsAlsoNeededStaysALoop() {
        Program p = parse("f64", """
                { lambda ; x:T[6,8] w:T[8,10] b:T[10]. let
                    c:T[6,10] = dot_general[lhs_contract=(1) rhs_contract=(0) lhs_batch=() rhs_batch=()] x w
                    d:T[6,10] = broadcast_in_dim[shape=(6, 10) dims=(1)] b
                    e:T[6,10] = add c d
                    f:T[6,10] = tanh e
                  in (e, f) }""");
        Plan plan = FusionPlanner.plan(p);
        assertEquals(Epilogue.of(Bias.ALONG_N, Activation.NONE), assertInstanceOf(Plan.FusedDotStep.class, plan.steps().get(0)).epilogue());
        assertInstanceOf(Plan.KernelStep.class, plan.steps().get(1));
        assertEquals(2, plan.steps().size());
        assertCompiledMatchesInterpreter(p);
    }

    @Test
    void onlyMaxWithPositiveZeroIsRelu() {
        for (String zero : List.of("-0.0", "1.0")) {
            Program p = parse("f32", """
                    { lambda ; x:T[6,8] w:T[8,10] b:T[10]. let
                        c:T[6,10] = dot_general[lhs_contract=(1) rhs_contract=(0) lhs_batch=() rhs_batch=()] x w
                        d:T[6,10] = broadcast_in_dim[shape=(6, 10) dims=(1)] b
                        e:T[6,10] = add c d
                        f:T[6,10] = max e Z:T
                      in (f) }""".replace("Z", zero));
            Plan plan = FusionPlanner.plan(p);
            assertEquals(Epilogue.of(Bias.ALONG_N, Activation.NONE), assertInstanceOf(Plan.FusedDotStep.class, plan.steps().get(0)).epilogue());
            assertInstanceOf(Plan.KernelStep.class, plan.steps().get(1));
            assertCompiledMatchesInterpreter(p);
        }
    }

    @Test
    void aLayerInsideAScanFusesAndItsResultIsTheCarry() {
        for (String dtype : List.of("f32", "f64")) {
            Program p = parse(dtype, """
                    { lambda ; w:T[9,9] b:T[9] h:T[5,9]. let
                        a:T[5,9] s:T[6,5,9] = scan[body={ lambda ; w:T[9,9] b:T[9] h:T[5,9]. let
                              c:T[5,9] = dot_general[lhs_contract=(1) rhs_contract=(0) lhs_batch=() rhs_batch=()] h w
                              d:T[5,9] = broadcast_in_dim[shape=(5, 9) dims=(1)] b
                              e:T[5,9] = add c d
                              f:T[5,9] = max e 0.0:T
                            in (f, f) } length=6 reverse=false nconsts=2 ncarry=1] w b h
                      in (a, s) }""");
            Plan.ScanStep scan = assertInstanceOf(Plan.ScanStep.class, FusionPlanner.plan(p).steps().getFirst());
            assertEquals(1, scan.body().size());
            assertInstanceOf(Plan.FusedDotStep.class, scan.body().getFirst());
            assertCompiledMatchesInterpreter(p);
        }
    }

    /** Programs where the add or the activation must stay a loop of their own. */
    record Unfused(String why, String program) {}

    static final List<Unfused> UNFUSED = List.of(
            new Unfused("the product is also an output", """
            { lambda ; x:T[5,7] w:T[7,9] b:T[9]. let
                c:T[5,9] = dot_general[lhs_contract=(1) rhs_contract=(0) lhs_batch=() rhs_batch=()] x w
                d:T[5,9] = broadcast_in_dim[shape=(5, 9) dims=(1)] b
                e:T[5,9] = add c d
                f:T[5,9] = tanh e
              in (f, c) }"""),
            new Unfused("a full matrix, not a broadcast vector", """
            { lambda ; x:T[5,7] w:T[7,9] m:T[5,9]. let
                c:T[5,9] = dot_general[lhs_contract=(1) rhs_contract=(0) lhs_batch=() rhs_batch=()] x w
                e:T[5,9] = add c m
                f:T[5,9] = tanh e
              in (f) }"""),
            new Unfused("a transposed matrix", """
            { lambda ; x:T[5,7] w:T[7,9] m:T[9,5]. let
                c:T[5,9] = dot_general[lhs_contract=(1) rhs_contract=(0) lhs_batch=() rhs_batch=()] x w
                d:T[5,9] = transpose[permutation=(1, 0)] m
                e:T[5,9] = add c d
              in (e) }"""),
            new Unfused("a bias per batch", """
            { lambda ; x:T[4,5,7] w:T[4,7,9] b:T[4,9]. let
                c:T[4,5,9] = dot_general[lhs_contract=(2) rhs_contract=(1) lhs_batch=(0) rhs_batch=(0)] x w
                d:T[4,5,9] = broadcast_in_dim[shape=(4, 5, 9) dims=(0, 2)] b
                e:T[4,5,9] = add c d
                f:T[4,5,9] = max e 0.0:T
              in (f) }"""),
            new Unfused("a broadcast scalar (the kernel reads a vector)", """
            { lambda ; x:T[5,7] w:T[7,9] s:T[]. let
                c:T[5,9] = dot_general[lhs_contract=(1) rhs_contract=(0) lhs_batch=() rhs_batch=()] x w
                d:T[5,9] = broadcast_in_dim[shape=(5, 9) dims=()] s
                e:T[5,9] = add c d
                f:T[5,9] = tanh e
              in (f) }"""),
            new Unfused("a broadcast vector scaled after the broadcast: an expression, not a buffer", """
            { lambda ; x:T[5,7] w:T[7,9] b:T[9]. let
                c:T[5,9] = dot_general[lhs_contract=(1) rhs_contract=(0) lhs_batch=() rhs_batch=()] x w
                d:T[5,9] = broadcast_in_dim[shape=(5, 9) dims=(1)] b
                g:T[5,9] = mul d 2.0:T
                e:T[5,9] = add c g
              in (e) }"""),
            new Unfused("dot + dot", """
            { lambda ; x:T[5,7] w:T[7,9] y:T[5,3] v:T[3,9]. let
                c:T[5,9] = dot_general[lhs_contract=(1) rhs_contract=(0) lhs_batch=() rhs_batch=()] x w
                g:T[5,9] = dot_general[lhs_contract=(1) rhs_contract=(0) lhs_batch=() rhs_batch=()] y v
                e:T[5,9] = add c g
                f:T[5,9] = tanh e
              in (f) }"""),
            new Unfused("a matrix-vector product keeps its own kernel", """
            { lambda ; x:T[5,7] w:T[7] b:T[5]. let
                c:T[5] = dot_general[lhs_contract=(1) rhs_contract=(0) lhs_batch=() rhs_batch=()] x w
                e:T[5] = add c b
                f:T[5] = tanh e
              in (f) }"""));

    @TestFactory
    Stream<DynamicTest> otherConsumersKeepTheirLoopAndTheirResults() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String dtype : List.of("f32", "f64")) {
            for (Unfused u : UNFUSED) {
                tests.add(DynamicTest.dynamicTest(dtype + ": " + u.why(), () -> {
                    Program p = parse(dtype, u.program());
                    Plan plan = FusionPlanner.plan(p);
                    assertTrue(plan.steps().stream().noneMatch(s -> s instanceof Plan.FusedDotStep), plan.steps()::toString);
                    assertTrue(plan.steps().stream().anyMatch(s -> s instanceof Plan.InterpretStep i
                            && i.equation().primitive() == Primitive.DOT_GENERAL), plan.steps()::toString);
                    assertTrue(plan.steps().stream().anyMatch(s -> s instanceof Plan.KernelStep), plan.steps()::toString);
                    assertCompiledMatchesInterpreter(p);
                }));
            }
        }
        return tests.stream();
    }

    private static Program parse(String dtype, String text) {
        return ProgramParser.parse(text.replace("T[", dtype + "[").replace(":T", ":" + dtype));
    }

    /** The plan's only step, a matmul with an epilogue: no loop for the bias or the activation. */
    private static Plan.FusedDotStep onlyStep(Plan plan) {
        assertEquals(1, plan.steps().size(), plan.steps()::toString);
        return assertInstanceOf(Plan.FusedDotStep.class, plan.steps().getFirst());
    }

    private static void assertCompiledMatchesInterpreter(Program p) {
        boolean f32 = p.inputTypes().getFirst().dtype() == org.nabla4j.DType.F32;
        Random r = new Random(p.toString().hashCode());
        List<Tensor> args = p.inputTypes().stream().map(t -> FusedLoopSizesTest.random(t, r)).toList();
        CodegenBackend backend = CodegenBackend.preferred();
        CompiledMatchesInterpreterTest.verify(backend.bytecode(p));
        CompiledMatchesInterpreterTest.assertClose(Interpreter.run(p, List.of(), args),
                backend.compile(p).run(List.of(), args), f32 ? 1e-5 : 1e-12, p);
    }
}
