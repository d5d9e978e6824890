package org.nabla4j.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nabla4j.DType;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Interpreter;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.ProgramParser;
import org.nabla4j.ir.Tensor;

/**
 * Typical fused loops — an elementwise chain with a broadcast, a row reduction, a column
 * reduction and a softmax — at the sizes where vector main loops and scalar tails meet (0, 1, 7,
 * 17, 1023, 4099), at every vector width, in f32 and f64.
 */
class FusedLoopSizesTest {
    static final int[] SIZES = {0, 1, 7, 17, 1023, 4099};
    static final int[] WIDTHS = {0, 64, 128, 256, 512};

    static final String CHAIN = """
            { lambda ; a:T[N] b:T[N] c:T[]. let
                d:T[N] = sin a
                e:T[N] = mul d b
                f:T[N] = mul a a
                g:T[N] = neg f
                h:T[N] = exp g
                i:T[N] = add e h
                j:T[N] = broadcast_in_dim[shape=(N) dims=()] c
                k:T[N] = max i j
              in (k) }""";

    static final String ROWS_THEN_COLUMNS = """
            { lambda ; a:T[3,N] b:T[N]. let
                c:T[3,N] = broadcast_in_dim[shape=(3, N) dims=(1)] b
                d:T[3,N] = mul a c
                e:T[3] = reduce_sum[axes=(1)] d
                f:T[N] = reduce_max[axes=(0)] d
                g:T[3] = reduce_min[axes=(1)] a
              in (e, f, g) }""";

    static final String SOFTMAX = """
            { lambda ; a:T[2,N]. let
                b:T[2] = reduce_max[axes=(1)] a
                c:T[2,N] = broadcast_in_dim[shape=(2, N) dims=(0)] b
                d:T[2,N] = sub a c
                e:T[2,N] = exp d
                f:T[2] = reduce_sum[axes=(1)] e
                g:T[2,N] = broadcast_in_dim[shape=(2, N) dims=(0)] f
                h:T[2,N] = div e g
              in (h) }""";

    @TestFactory
    Stream<DynamicTest> fusedLoopsMatchTheInterpreter() {
        return Stream.of(CHAIN, ROWS_THEN_COLUMNS, SOFTMAX).flatMap(text -> Stream.of(DType.F32, DType.F64).flatMap(dtype ->
                IntStream.of(SIZES).mapToObj(n -> DynamicTest.dynamicTest(dtype + " n=" + n + " " + text.lines().skip(1).findFirst().orElse(""), () -> {
                    Program p = ProgramParser.parse(text.replace("T[", dtype.shortName() + "[").replace("N", Integer.toString(n)));
                    List<Tensor> args = p.inputTypes().stream().map(t -> random(t, new Random(n))).toList();
                    List<Tensor> expected = Interpreter.run(p, List.of(), args);
                    for (int bits : WIDTHS) {
                        CodegenBackend backend = CodegenBackend.withVectorBits(bits);
                        CompiledMatchesInterpreterTest.verify(backend.bytecode(p));
                        CompiledMatchesInterpreterTest.assertClose(expected, backend.compile(p).run(List.of(), args),
                                dtype == DType.F32 ? 1e-5 : 1e-12, bits + " bits");
                    }
                    CodegenBackend split = CodegenBackend.withParallelThreshold(1);
                    CompiledMatchesInterpreterTest.verify(split.bytecode(p));
                    CompiledMatchesInterpreterTest.assertClose(expected, split.compile(p).run(List.of(), args),
                            dtype == DType.F32 ? 1e-5 : 1e-12, "split across cores");
                }))));
    }

    @Test
    void floatLoopsUseTheVectorApiAndScalarModeDoesNot() {
        Program p = ProgramParser.parse(CHAIN.replace("T[", "f32[").replace("N", "64"));
        String vector = new String(CodegenBackend.withVectorBits(256).bytecode(p), StandardCharsets.ISO_8859_1);
        String scalar = new String(CodegenBackend.withVectorBits(0).bytecode(p), StandardCharsets.ISO_8859_1);
        assertTrue(vector.contains("jdk/incubator/vector/FloatVector"));
        assertFalse(scalar.contains("jdk/incubator/vector"));
    }

    @Test
    void aFusedChainIsOneLoop() {
        Plan plan = FusionPlanner.plan(ProgramParser.parse(CHAIN.replace("T[", "f32[").replace("N", "64")));
        assertEquals(1, plan.steps().size(), plan.steps().toString());
    }

    static Tensor random(AbstractArray t, Random r) {
        double[] d = new double[t.shape().size()];
        for (int i = 0; i < d.length; i++) d[i] = r.nextGaussian();
        Tensor f64 = Tensor.wrap(t.withDType(DType.F64), d);
        return t.dtype() == DType.F64 ? f64
                : org.nabla4j.ir.PrimitiveRules.apply(org.nabla4j.ir.Primitive.CONVERT_ELEMENT_TYPE,
                        org.nabla4j.ir.Params.of("new_dtype", t.dtype()), List.of(f64)).getFirst();
    }

    @Test
    void aDotGeneralThatContractsOnlySizeOneAxesIsAFusedOuterProduct() {
        Program p = ProgramParser.parse("""
                { lambda ; a:f32[6,1,1] b:f32[6,1,40]. let
                    c:f32[6,1,40] = dot_general[lhs_contract=(1) rhs_contract=(1) lhs_batch=(0) rhs_batch=(0)] a b
                    d:f32[6,1,40] = tanh c
                  in (d) }""");
        assertEquals(1, FusionPlanner.plan(p).steps().size());
        List<Tensor> args = p.inputTypes().stream().map(t -> random(t, new Random(1))).toList();
        for (int bits : WIDTHS) {
            CompiledMatchesInterpreterTest.assertClose(Interpreter.run(p, List.of(), args),
                    CodegenBackend.withVectorBits(bits).compile(p).run(List.of(), args), 1e-5, bits + " bits");
        }
    }
}
