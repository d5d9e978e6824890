package org.nabla4j.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.nabla4j.DType;
import org.nabla4j.ir.Interpreter;
import org.nabla4j.ir.Passes;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.Tensor;
import org.nabla4j.ir.gen.RandomPrograms;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * Differential testing: random well-typed programs compiled at every vector width give the
 * interpreter's results, and every generated class passes ASM's verifier.
 *
 * <p>Tolerances: scalar code follows the interpreter exactly except for the order of reductions;
 * vector transcendental functions are accurate to a few ulps. So floats compare with a relative
 * tolerance of 1e-4 (f32) or 1e-9 (f64) scaled by the magnitudes involved; integers and bools exactly.
 */
class CompiledMatchesInterpreterTest {
    static final int TRIES = Integer.getInteger("nabla.tries", 60);
    static final int[] WIDTHS = {0, 64, 128, 256, 512};

    @TestFactory
    Stream<DynamicTest> randomProgramsWithEveryLoopSplitAcrossCores() {
        return Stream.of(DType.F32, DType.F64).map(dtype -> DynamicTest.dynamicTest(dtype + " split", () -> {
            CodegenBackend backend = CodegenBackend.withParallelThreshold(1);
            RandomPrograms.Config config = RandomPrograms.Config.defaults().withDType(dtype).withMaxElements(300).withDims(0, 9);
            for (int i = 0; i < TRIES; i++) {
                RandomPrograms.Case c = RandomPrograms.generate(config, 77_000L + i);
                Program p = Passes.simplify(c.program());
                assertClose(c.run(p), backend.compile(p).run(c.consts(), c.args()), dtype == DType.F32 ? 1e-4 : 1e-9, c);
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> randomProgramsAtEveryWidth() {
        return Stream.of(DType.F32, DType.F64).flatMap(dtype -> java.util.Arrays.stream(WIDTHS).mapToObj(bits ->
                DynamicTest.dynamicTest(dtype + " at " + bits + " bits", () -> {
                    CodegenBackend backend = CodegenBackend.withVectorBits(bits);
                    RandomPrograms.Config config = RandomPrograms.Config.defaults().withDType(dtype).withMaxElements(300).withDims(0, 9);
                    for (int i = 0; i < TRIES; i++) {
                        RandomPrograms.Case c = RandomPrograms.generate(config, 1000L * bits + i);
                        Program p = Passes.simplify(c.program());
                        verify(backend.bytecode(p));
                        List<Tensor> expected = c.run(p);
                        List<Tensor> actual;
                        try {
                            actual = backend.compile(p).run(c.consts(), c.args());
                        } catch (RuntimeException e) {
                            throw new AssertionError("compiled program failed on\n" + p + "\n" + c, e);
                        }
                        assertClose(expected, actual, dtype == DType.F32 ? 1e-4 : 1e-9, c);
                    }
                })));
    }

    /** Buffers kept between calls: a second call is right, and the first call's results are not overwritten by it. */
    @TestFactory
    Stream<DynamicTest> resultsOfOneCallSurviveTheNext() {
        return Stream.of(DType.F32, DType.F64).map(dtype -> DynamicTest.dynamicTest(dtype.toString(), () -> {
            CodegenBackend backend = CodegenBackend.preferred();
            RandomPrograms.Config config = RandomPrograms.Config.defaults().withDType(dtype).withMaxElements(300).withDims(0, 9);
            for (int i = 0; i < TRIES; i++) {
                RandomPrograms.Case c = RandomPrograms.generate(config, 31_000L + i);
                Program p = Passes.simplify(c.program());
                java.util.Random r = new java.util.Random(i);
                List<Tensor> otherArgs = p.inputTypes().stream().map(t -> FusedLoopSizesTest.random(t, r)).toList();
                var compiled = backend.compile(p);
                List<Tensor> first = compiled.run(c.consts(), c.args());
                List<Tensor> second = compiled.run(c.consts(), otherArgs);
                double tol = dtype == DType.F32 ? 1e-4 : 1e-9;
                assertClose(Interpreter.run(p, c.consts(), otherArgs), second, tol, c);
                assertClose(c.run(p), first, tol, c);
            }
        }));
    }

    static void verify(byte[] bytes) {
        StringWriter sw = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(bytes), CompiledMatchesInterpreterTest.class.getClassLoader(), false, new PrintWriter(sw));
        assertTrue(sw.toString().isEmpty(), sw::toString);
    }

    static void assertClose(List<Tensor> expected, List<Tensor> actual, double rtol, Object context) {
        assertEquals(expected.size(), actual.size());
        for (int o = 0; o < expected.size(); o++) {
            Tensor e = expected.get(o), a = actual.get(o);
            assertEquals(e.type(), a.type(), () -> "output type\n" + context);
            double scale = 1;
            for (int i = 0; i < e.size(); i++) if (Double.isFinite(e.getDouble(i))) scale = Math.max(scale, Math.abs(e.getDouble(i)));
            for (int i = 0; i < e.size(); i++) {
                double x = e.getDouble(i), y = a.getDouble(i);
                final int index = i, out = o;
                if (!e.dtype().isFloating()) {
                    assertEquals(e.getLong(i), a.getLong(i), () -> "output " + out + " element " + index + "\n" + context);
                } else if (Double.isNaN(x) || Double.isInfinite(x)) {
                    assertEquals(x, y, () -> "output " + out + " element " + index + "\n" + context);
                } else {
                    assertTrue(Math.abs(x - y) <= rtol * scale, () -> "output " + out + " element " + index + ": " + x + " vs " + y + "\n" + context);
                }
            }
        }
    }
}
