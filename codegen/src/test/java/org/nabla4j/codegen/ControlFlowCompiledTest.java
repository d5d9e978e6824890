package org.nabla4j.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nabla4j.ir.Atom;
import org.nabla4j.ir.Backend;
import org.nabla4j.ir.Literal;
import org.nabla4j.ir.Params;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.ProgramBuilder;
import org.nabla4j.ir.Var;
import org.nabla4j.ir.gen.RandomPrograms;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.nabla4j.DType;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Interpreter;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.ProgramParser;
import org.nabla4j.ir.Tensor;

/**
 * Control flow compiles into the generated method: a scan or while is a JVM loop around its
 * body's steps, a cond a switch over its branches' steps. Compiled results equal the
 * interpreter's (same tolerances as {@link CompiledMatchesInterpreterTest}).
 */
class ControlFlowCompiledTest {
    static final String RNN = """
            { lambda ; w:f32[64,64] h:f32[64] xs:f32[50,64]. let
                a:f32[64] b:f32[50,64] = scan[body={ lambda ; w:f32[64,64] h:f32[64] x:f32[64]. let
                      c:f32[64] = dot_general[lhs_contract=(1) rhs_contract=(0) lhs_batch=() rhs_batch=()] w h
                      d:f32[64] = add c x
                      e:f32[64] = tanh d
                    in (e, e) } length=50 reverse=false nconsts=1 ncarry=1] w h xs
                f:bool[] = gt 0.5:f32 0.0:f32
                g:i32[] = convert_element_type[new_dtype=i32] f
                k:f32[64] = cond[branches=({ lambda ; a:f32[64]. let
                      b:f32[64] = neg a
                    in (b) }, { lambda ; a:f32[64]. let
                      b:f32[64] = exp a
                    in (b) })] g a
                l:i32[] m:f32[64] = while[cond={ lambda ; i:i32[] v:f32[64]. let
                      c:bool[] = lt i 7:i32
                    in (c) } body={ lambda ; i:i32[] v:f32[64]. let
                      a:i32[] = add i 1:i32
                      b:f32[64] = mul v 0.9:f32
                    in (a, b) } nconsts=0] 0:i32 k
              in (m, b) }""";

    @Test
    void aRecurrentNetworkWithControlFlowMatchesTheInterpreter() {
        Program p = ProgramParser.parse(RNN);
        Random r = new Random(4);
        List<Tensor> args = p.inputTypes().stream().map(t -> scaled(FusedLoopSizesTest.random(t, r), 0.1)).toList();
        List<Tensor> expected = Interpreter.run(p, List.of(), args);
        for (int bits : new int[] {0, 128, 512}) {
            CodegenBackend backend = CodegenBackend.withVectorBits(bits);
            CompiledMatchesInterpreterTest.verify(backend.bytecode(p));
            CompiledMatchesInterpreterTest.assertClose(expected, backend.compile(p).run(List.of(), args), 1e-5, bits + " bits");
        }
    }

    @Test
    void aScanIsOneLoopInTheRunMethodWithItsBodyInline() {
        Program p = ProgramParser.parse(RNN);
        Map<String, Integer> calls = runMethodCalls(CodegenBackend.preferred().bytecode(p));
        assertEquals(1, calls.getOrDefault("ScanLoop.begin", 0), calls::toString);
        assertEquals(1, calls.getOrDefault("WhileLoop.test", 0), calls::toString);
        assertEquals(1, calls.getOrDefault("CondBranch.enter", 0), calls::toString);
        // One run-time step for the scan body's matrix-vector product; no control flow left to the interpreter.
        assertEquals(1, calls.getOrDefault("RuntimeStep.run", 0), calls::toString);
        assertTrue(calls.keySet().stream().anyMatch(k -> k.startsWith("Compiled$") && k.contains(".k")), calls::toString);
    }

    static final String PERMUTED_CARRY = """
            { lambda ; a:f32[3] b:f32[3] xs:f32[4,3]. let
                c:f32[3] d:f32[3] e:f32[] f:f32[4,3] g:f32[4,3] = scan[body={ lambda ; a:f32[3] b:f32[3] s:f32[] x:f32[3]. let
                      c:f32[3] = add a x
                      t:f32[] = add s 1.0:f32
                    in (b, a, t, c, x) } length=4 reverse=true nconsts=0 ncarry=3] a b 0.0:f32 xs
              in (c, d, e, f, g) }""";

    @Test
    void aBodyThatPermutesItsCarryReadsTheOldValues() {
        assertCompiledMatchesInterpreter(ProgramParser.parse(PERMUTED_CARRY), 7);
    }

    static final String NESTED = """
            { lambda ; w:f32[5] xs:f32[6,5]. let
                h:f32[5] ys:f32[6] = scan[body={ lambda ; w:f32[5] h:f32[5] x:f32[5]. let
                      i:i32[] v:f32[5] = while[cond={ lambda ; w:f32[5] i:i32[] v:f32[5]. let
                            c:bool[] = lt i 3:i32
                          in (c) } body={ lambda ; w:f32[5] i:i32[] v:f32[5]. let
                            a:i32[] = add i 1:i32
                            b:f32[5] = mul v w
                            d:f32[5] = sin b
                          in (a, d) } nconsts=1] w 0:i32 h
                      s:f32[] = reduce_sum[axes=(0)] x
                      p:bool[] = gt s 0.0:f32
                      k:i32[] = convert_element_type[new_dtype=i32] p
                      u:f32[5] = cond[branches=({ lambda ; v:f32[5] x:f32[5]. let
                            b:f32[5] = sub v x
                          in (b) }, { lambda ; v:f32[5] x:f32[5]. let
                            b:f32[5] = add v x
                            c:f32[5] = tanh b
                          in (c) })] k v x
                      n:f32[5] c:f32[5] = scan[body={ lambda ; u:f32[5] x:f32[]. let
                            a:f32[5] = mul u 0.5:f32
                            b:f32[] = reduce_max[axes=(0)] a
                            c:f32[] = add b x
                          in (a, c) } length=5 reverse=false nconsts=0 ncarry=1] u x
                      m:f32[] = reduce_sum[axes=(0)] c
                    in (n, m) } length=6 reverse=false nconsts=1 ncarry=1] w w xs
              in (h, ys) }""";

    @Test
    void loopsAndBranchesNestInsideLoops() {
        assertCompiledMatchesInterpreter(ProgramParser.parse(NESTED), 11);
    }

    static final String BRANCH_RETURNS_ITS_OPERAND = """
            { lambda ; x:f32[4] i:i32[]. let
                t:f32[4] = mul x 2.0:f32
                r:f32[4] = cond[branches=({ lambda ; a:f32[4]. let
                      b:f32[4] = mul a 1.0:f32
                    in (a) }, { lambda ; a:f32[4]. let
                      b:f32[4] = neg a
                    in (b) })] i t
              in (r) }""";

    @Test
    void aBranchThatReturnsItsOperandGivesTheCallerABufferOfItsOwn() {
        Program p = ProgramParser.parse(BRANCH_RETURNS_ITS_OPERAND);
        Backend.Executable compiled = CodegenBackend.preferred().compile(p);
        Tensor zero = Tensor.wrap(AbstractArray.scalar(DType.I32), new int[] {0});
        Tensor x1 = Tensor.wrap(new AbstractArray(DType.F32, org.nabla4j.ir.Shape.of(4)), new float[] {1, 2, 3, 4});
        Tensor x2 = Tensor.wrap(new AbstractArray(DType.F32, org.nabla4j.ir.Shape.of(4)), new float[] {5, 6, 7, 8});
        List<Tensor> first = compiled.run(List.of(), List.of(x1, zero));
        compiled.run(List.of(), List.of(x2, zero));
        assertEquals(List.of(2.0, 4.0, 6.0, 8.0), java.util.stream.IntStream.range(0, 4).mapToObj(first.getFirst()::getDouble).toList());
    }

    static final String EMPTY_SCAN = """
            { lambda ; h:f32[2] xs:f32[0,2]. let
                a:f32[2] b:f32[0,2] = scan[body={ lambda ; h:f32[2] x:f32[2]. let
                      c:f32[2] = add h x
                    in (c, c) } length=0 reverse=false nconsts=0 ncarry=1] h xs
              in (a, b) }""";

    @Test
    void aScanOfLengthZeroReturnsItsInitialCarry() {
        assertCompiledMatchesInterpreter(ProgramParser.parse(EMPTY_SCAN), 3);
    }

    /** Random programs (closed over their constants) as scan bodies and as cond branches. */
    @TestFactory
    Stream<DynamicTest> randomProgramsInsideLoopsAndBranches() {
        return Stream.of(DType.F32, DType.F64).map(dtype -> DynamicTest.dynamicTest(dtype.toString(), () -> {
            RandomPrograms.Config config = RandomPrograms.Config.defaults().withDType(dtype).withMaxElements(200).withDims(0, 9);
            for (int i = 0; i < CompiledMatchesInterpreterTest.TRIES / 2; i++) {
                RandomPrograms.Case c = RandomPrograms.generate(config, 5_000L + i);
                Random r = new Random(i);
                Program closed = closedOver(c.program());
                Program wrapped = inScan(closed, r.nextInt(4), r.nextBoolean(), r.nextBoolean() ? r.nextInt(3) - 1 : null);
                List<Tensor> args = new ArrayList<>(c.consts());
                args.addAll(c.args());
                List<Tensor> expected = Interpreter.run(wrapped, List.of(), args);
                CodegenBackend backend = CodegenBackend.withVectorBits(new int[] {0, 128, 256}[i % 3]);
                CompiledMatchesInterpreterTest.verify(backend.bytecode(wrapped));
                CompiledMatchesInterpreterTest.assertClose(expected, backend.compile(wrapped).run(List.of(), args),
                        dtype == DType.F32 ? 1e-4 : 1e-9, wrapped);
            }
        }));
    }

    /** The program with its constants turned into leading inputs. */
    private static Program closedOver(Program p) {
        ProgramBuilder b = new ProgramBuilder();
        List<Var> consts = p.constVars().stream().map(v -> b.input(p.type(v))).toList();
        List<Var> ins = p.inputTypes().stream().map(b::input).toList();
        return b.build(b.inline(p, consts, ins));
    }

    /**
     * scan over {@code length} steps whose body takes p's inputs as constants and counts in a
     * carry; its per-step outputs are p's outputs, or those of cond(branch, p, p) when branch is given.
     */
    private static Program inScan(Program p, int length, boolean reverse, Integer branch) {
        ProgramBuilder body = new ProgramBuilder();
        List<Var> in = p.inputTypes().stream().map(body::input).toList();
        Var count = body.input(AbstractArray.scalar(DType.F32));
        List<Atom> outs = new ArrayList<>();
        outs.add(body.add1(Primitive.ADD, Params.EMPTY, count, Literal.of(1, DType.F32)));
        if (branch == null) {
            outs.addAll(body.inline(p, List.of(), in));
        } else {
            List<Atom> operands = new ArrayList<>();
            operands.add(Literal.of(branch, DType.I32));
            operands.addAll(in);
            outs.addAll(body.add(Primitive.COND, Params.of("branches", List.of(p, p)), operands));
        }
        Program bodyProgram = body.build(outs);
        ProgramBuilder outer = new ProgramBuilder();
        List<Atom> operands = new ArrayList<>(p.inputTypes().stream().map(outer::input).toList());
        operands.add(Literal.of(0, DType.F32));
        List<Var> results = outer.add(Primitive.SCAN, Params.of("body", bodyProgram, "length", length, "reverse", reverse,
                "nconsts", p.inputTypes().size(), "ncarry", 1), operands);
        return outer.build(results);
    }

    private static void assertCompiledMatchesInterpreter(Program p, long seed) {
        Random r = new Random(seed);
        List<Tensor> args = p.inputTypes().stream().map(t -> scaled(FusedLoopSizesTest.random(t, r), 0.5)).toList();
        List<Tensor> expected = Interpreter.run(p, List.of(), args);
        for (int bits : new int[] {0, 128, 256, 512}) {
            CodegenBackend backend = CodegenBackend.withVectorBits(bits);
            CompiledMatchesInterpreterTest.verify(backend.bytecode(p));
            Backend.Executable compiled = backend.compile(p);
            // Twice, on other values: buffers kept between iterations or calls must not leak into results.
            List<Tensor> first = compiled.run(List.of(), args);
            List<Tensor> otherArgs = p.inputTypes().stream().map(t -> scaled(FusedLoopSizesTest.random(t, r), 0.5)).toList();
            CompiledMatchesInterpreterTest.assertClose(Interpreter.run(p, List.of(), otherArgs), compiled.run(List.of(), otherArgs), 1e-5,
                    bits + " bits, second call");
            CompiledMatchesInterpreterTest.assertClose(expected, first, 1e-5, bits + " bits");
        }
    }

    /** Method invocations in the generated run method, as "SimpleOwner.name" → count. */
    private static Map<String, Integer> runMethodCalls(byte[] bytes) {
        Map<String, Integer> calls = new TreeMap<>();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                if (!name.equals("run")) return null;
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int op, String owner, String method, String d, boolean itf) {
                        calls.merge(owner.substring(owner.lastIndexOf('/') + 1) + "." + method, 1, Integer::sum);
                    }
                };
            }
        }, 0);
        return calls;
    }

    private static Tensor scaled(Tensor t, double s) {
        float[] d = new float[t.size()];
        for (int i = 0; i < d.length; i++) d[i] = (float) (t.getDouble(i) * s);
        return Tensor.wrap(new AbstractArray(DType.F32, t.shape()), d);
    }
}
