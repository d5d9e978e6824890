package org.nabla4j.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.MethodModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nabla4j.DType;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Atom;
import org.nabla4j.ir.Backend;
import org.nabla4j.ir.Interpreter;
import org.nabla4j.ir.Literal;
import org.nabla4j.ir.Params;
import org.nabla4j.ir.Passes;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.ProgramBuilder;
import org.nabla4j.ir.ProgramParser;
import org.nabla4j.ir.Tensor;
import org.nabla4j.ir.Var;
import org.nabla4j.ir.gen.RandomPrograms;

/**
 * No generated method reaches HotSpot's 8,000-byte limit, beyond which it would never be
 * JIT-compiled: however long a fused chain, however many steps a program or a loop body has. Long
 * chains are cut into several loops ({@link KernelSizeLimit}), long step lists into part methods;
 * results still equal the interpreter's.
 */
class GeneratedMethodSizesTest {
    static final int HUGE_METHOD_LIMIT = 8000;
    static final int[] WIDTHS = {0, 64, 128, 256, 512};

    @Test
    void aChainOfTwoThousandElementwiseOpsIsCutIntoLoopsOfCompilableSize() {
        Program p = chain(DType.F32, new int[] {37}, 2000, false);
        for (int bits : WIDTHS) {
            Map<String, Integer> sizes = assertCompilableAndCorrect(p, CodegenBackend.withVectorBits(bits), 1e-4);
            assertTrue(kernels(sizes) > 2000 / 160, () -> bits + " bits: " + sizes);
        }
    }

    @Test
    void everyLoopOfACutPlanWeighsAtMostTheBoundAndPlansWithinItAreLeftAlone() {
        Plan plan = FusionPlanner.plan(chain(DType.F32, new int[] {4, 5}, 2000, true));
        Plan cut = KernelSizeLimit.apply(plan);
        List<Kernel> kernels = cut.steps().stream().map(s -> ((Plan.KernelStep) s).kernel()).toList();
        assertEquals(plan.slots().size() + kernels.size() - 1, cut.slots().size(), "one new slot per added loop");
        assertEquals(1, plan.steps().size(), "the chain and its reduction fuse into one loop");
        Kernel reduction = ((Plan.KernelStep) plan.steps().getFirst()).kernel();
        assertTrue(kernels.getLast() instanceof Kernel.Reduce && kernels.getLast().outSlot() == reduction.outSlot(),
                "the reduction runs last, into its own slot");
        for (Kernel k : kernels) assertTrue(KernelSizeLimit.totalWeight(k.body()) <= KernelSizeLimit.MAX_WEIGHT, k::toString);
        Plan small = FusionPlanner.plan(chain(DType.F32, new int[] {4, 5}, 8, true));
        assertSame(small, KernelSizeLimit.apply(small));
    }

    @Test
    void aLongChainUnderARowReductionIsCutToo() {
        // Row reductions hold their body five times (a vector loop unrolled four times, a scalar tail): the largest kernels there are.
        Program p = chain(DType.F64, new int[] {3, 41}, 2000, true);
        for (int bits : WIDTHS) assertCompilableAndCorrect(p, CodegenBackend.withVectorBits(bits), 1e-9);
    }

    @Test
    void aChainTooDeepToWalkByRecursionCompilesOnAThreadWithTheUsualStack() throws InterruptedException {
        Program p = chain(DType.F32, new int[] {5}, 20_000, false);
        Throwable[] failure = new Throwable[1];
        // 1 MB, the JVM's default stack on 64-bit Linux (tests otherwise run with -Xss8m).
        Thread t = new Thread(null, () -> {
            try {
                assertCompilableAndCorrect(p, CodegenBackend.withVectorBits(128), 1e-4);
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "usual stack", 1 << 20);
        t.start();
        t.join();
        if (failure[0] != null) throw new AssertionError(failure[0]);
    }

    @Test
    void aLongIntegerChainIsCutWithoutChangingItsWrappedValues() {
        ProgramBuilder b = new ProgramBuilder();
        Var x = b.input(AbstractArray.of(DType.I32, 9)), y = b.input(AbstractArray.of(DType.I32, 9));
        Atom v = x;
        for (int i = 0; i < 2000; i++) {
            v = switch (i % 3) {
                case 0 -> b.add1(Primitive.MUL, Params.EMPTY, v, Literal.of(1_000_003, DType.I32));
                case 1 -> b.add1(Primitive.ADD, Params.EMPTY, v, y);
                default -> b.add1(Primitive.MAX, Params.EMPTY, v, Literal.of(-1_000_000_000, DType.I32));
            };
        }
        assertCompilableAndCorrect(b.build(List.of(v)), CodegenBackend.withVectorBits(256), 0);
    }

    @Test
    void threeThousandReductionsSplitTheRunMethodIntoParts() {
        ProgramBuilder b = new ProgramBuilder();
        Var x = b.input(AbstractArray.of(DType.F32, 16));
        List<Atom> outs = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            Var scaled = b.add1(Primitive.MUL, Params.EMPTY, x, Literal.of(i * 1e-3, DType.F32));
            outs.add(b.add1(Primitive.REDUCE_SUM, Params.of("axes", new int[] {0}), scaled));
        }
        Program p = b.build(outs);
        for (int bits : new int[] {0, 256}) {
            Map<String, Integer> sizes = assertCompilableAndCorrect(p, CodegenBackend.withVectorBits(bits), 1e-4);
            assertTrue(sizes.keySet().stream().filter(m -> m.startsWith("part")).count() >= 3000 * 8 / BytecodeEmitter.METHOD_BYTES,
                    sizes::toString);
        }
    }

    @Test
    void aScanBodyOfHundredsOfStepsAndABranchOfHundredsRunAsPartMethods() {
        // body: h' = tanh(chain of 600 ops on h + Σ_i sum(h * c_i) + cond(branch, 300 reductions, 300 others)), carried 6 times
        ProgramBuilder body = new ProgramBuilder();
        Var h = body.input(AbstractArray.of(DType.F32, 8)), x = body.input(AbstractArray.of(DType.F32, 8));
        Atom total = reductions(body, h, 300, 1e-4);
        Var branch = body.add1(Primitive.CONVERT_ELEMENT_TYPE, Params.of("new_dtype", DType.I32),
                body.add1(Primitive.GT, Params.EMPTY, total, Literal.of(0, DType.F32)));
        Atom chosen = body.add(Primitive.COND, Params.of("branches", List.of(sumProgram(300, 1e-4), sumProgram(300, -2e-4))),
                List.of(branch, h)).getFirst();
        Atom v = h;
        for (int i = 0; i < 600; i++) {
            v = i % 2 == 0 ? body.add1(Primitive.SIN, Params.EMPTY, v) : body.add1(Primitive.ADD, Params.EMPTY, v, x);
        }
        Var shift = body.add1(Primitive.ADD, Params.EMPTY, total, chosen);
        Var next = body.add1(Primitive.TANH, Params.EMPTY, body.add1(Primitive.ADD, Params.EMPTY, v,
                body.add1(Primitive.BROADCAST_IN_DIM, Params.of("shape", new int[] {8}, "dims", new int[0]), shift)));
        Program bodyProgram = body.build(List.of(next, total));
        ProgramBuilder outer = new ProgramBuilder();
        Var h0 = outer.input(AbstractArray.of(DType.F32, 8)), xs = outer.input(AbstractArray.of(DType.F32, 6, 8));
        List<Var> results = outer.add(Primitive.SCAN, Params.of("body", bodyProgram, "length", 6, "reverse", false,
                "nconsts", 0, "ncarry", 1), List.of(h0, xs));
        Program p = outer.build(results);
        for (int bits : new int[] {0, 256}) {
            Map<String, Integer> sizes = assertCompilableAndCorrect(p, CodegenBackend.withVectorBits(bits), 1e-4);
            assertTrue(sizes.keySet().stream().filter(m -> m.startsWith("part")).count() >= 4, sizes::toString);
        }
    }

    /** Random programs with their loops cut at small weights: cuts of every kind of node in every kind of loop. */
    @TestFactory
    Stream<DynamicTest> randomProgramsCutIntoSmallLoopsMatchTheInterpreter() {
        return Stream.of(DType.F32, DType.F64).map(dtype -> DynamicTest.dynamicTest(dtype.toString(), () -> {
            RandomPrograms.Config config = RandomPrograms.Config.defaults().withDType(dtype).withMaxElements(300).withDims(0, 9)
                    .withEquations(5, 40);
            int cut = 0;
            for (int i = 0; i < CompiledMatchesInterpreterTest.TRIES; i++) {
                RandomPrograms.Case c = RandomPrograms.generate(config, 91_000L + i);
                Program p = Passes.simplify(c.program());
                int bits = WIDTHS[i % WIDTHS.length];
                CodegenBackend backend = CodegenBackend.withMaxKernelWeight(bits, 1 + i % 6);
                byte[] bytes = backend.bytecode(p);
                CompiledMatchesInterpreterTest.verify(bytes);
                if (kernels(codeLengths(bytes)) > kernels(codeLengths(CodegenBackend.withVectorBits(bits).bytecode(p)))) cut++;
                CompiledMatchesInterpreterTest.assertClose(c.run(p), backend.compile(p).run(c.consts(), c.args()),
                        dtype == DType.F32 ? 1e-4 : 1e-9, backend + "\n" + c);
            }
            assertTrue(cut >= CompiledMatchesInterpreterTest.TRIES / 3, cut + " of " + CompiledMatchesInterpreterTest.TRIES + " programs were cut");
        }));
    }

    @Test
    void loopBodiesAndBranchesCutIntoSmallLoopsMatchTheInterpreter() {
        for (String text : List.of(ControlFlowCompiledTest.NESTED, ControlFlowCompiledTest.PERMUTED_CARRY)) {
            Program p = ProgramParser.parse(text);
            Random r = new Random(3);
            List<Tensor> args = p.inputTypes().stream().map(t -> FusedLoopSizesTest.random(t, r)).toList();
            List<Tensor> expected = Interpreter.run(p, List.of(), args);
            for (int weight : new int[] {1, 4, 8}) {
                for (int bits : new int[] {0, 256}) {
                    CodegenBackend backend = CodegenBackend.withMaxKernelWeight(bits, weight);
                    CompiledMatchesInterpreterTest.verify(backend.bytecode(p));
                    Backend.Executable compiled = backend.compile(p);
                    CompiledMatchesInterpreterTest.assertClose(expected, compiled.run(List.of(), args), 1e-5, backend);
                    CompiledMatchesInterpreterTest.assertClose(expected, compiled.run(List.of(), args), 1e-5, backend + ", second call");
                }
            }
        }
    }

    /** {@code Σ_i reduce_sum(v * (i + 1) * scale)}: n reductions and n - 1 scalar additions, each its own step. */
    private static Atom reductions(ProgramBuilder b, Var v, int n, double scale) {
        Atom total = null;
        for (int i = 0; i < n; i++) {
            Var s = b.add1(Primitive.REDUCE_SUM, Params.of("axes", new int[] {0}),
                    b.add1(Primitive.MUL, Params.EMPTY, v, Literal.of((i + 1) * scale, DType.F32)));
            total = total == null ? s : b.add1(Primitive.ADD, Params.EMPTY, total, s);
        }
        return total;
    }

    private static Program sumProgram(int n, double scale) {
        ProgramBuilder b = new ProgramBuilder();
        Var v = b.input(AbstractArray.of(DType.F32, 8));
        return b.build(List.of(reductions(b, v, n, scale)));
    }

    /**
     * x, y of the given shape; {@code ops} elementwise operations on x, each used once (sin, scale,
     * add y, tanh, max), so all fuse into one expression; summed along the last axis when {@code rowSum}.
     */
    private static Program chain(DType t, int[] shape, int ops, boolean rowSum) {
        ProgramBuilder b = new ProgramBuilder();
        Var x = b.input(AbstractArray.of(t, shape)), y = b.input(AbstractArray.of(t, shape));
        Atom v = x;
        for (int i = 0; i < ops; i++) {
            v = switch (i % 5) {
                case 0 -> b.add1(Primitive.SIN, Params.EMPTY, v);
                case 1 -> b.add1(Primitive.MUL, Params.EMPTY, v, Literal.of(1.5, t));
                case 2 -> b.add1(Primitive.ADD, Params.EMPTY, v, y);
                case 3 -> b.add1(Primitive.TANH, Params.EMPTY, v);
                default -> b.add1(Primitive.MAX, Params.EMPTY, v, Literal.of(-0.5, t));
            };
        }
        if (rowSum) v = b.add1(Primitive.REDUCE_SUM, Params.of("axes", new int[] {shape.length - 1}), v);
        return b.build(List.of(v));
    }

    /**
     * Asserts that every method of the class is below HotSpot's limit (run and part methods within
     * the emitter's budget), that the class verifies and that the compiled program gives the
     * interpreter's results; returns the methods' code lengths.
     */
    private static Map<String, Integer> assertCompilableAndCorrect(Program p, CodegenBackend backend, double rtol) {
        byte[] bytes = backend.bytecode(p);
        Map<String, Integer> sizes = codeLengths(bytes);
        sizes.forEach((name, length) -> {
            int limit = name.equals("run") || name.startsWith("part") ? BytecodeEmitter.METHOD_BYTES : HUGE_METHOD_LIMIT - 1;
            assertTrue(length <= limit, () -> backend + ": method " + name + " has " + length + " bytes");
        });
        CompiledMatchesInterpreterTest.verify(bytes);
        Random r = new Random(5);
        List<Tensor> args = p.inputTypes().stream().map(t -> FusedLoopSizesTest.random(t, r)).toList();
        CompiledMatchesInterpreterTest.assertClose(Interpreter.run(p, List.of(), args), backend.compile(p).run(List.of(), args), rtol, backend);
        return sizes;
    }

    /** Each method's bytecode length, read with the JDK's class-file API. */
    static Map<String, Integer> codeLengths(byte[] bytes) {
        Map<String, Integer> sizes = new TreeMap<>();
        for (MethodModel m : ClassFile.of().parse(bytes).methods()) {
            m.findAttribute(Attributes.code()).ifPresent(code -> sizes.put(m.methodName().stringValue(), code.codeLength()));
        }
        return sizes;
    }

    private static int kernels(Map<String, Integer> sizes) {
        return (int) sizes.keySet().stream().filter(m -> m.matches("k\\d+")).count();
    }
}
