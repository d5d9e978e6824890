package org.nabla4j.codegen.kernels;

import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.nabla4j.ir.gen.Tries;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The kernel agrees with a naive triple loop at every vector width (scalar, 128, 256, 512 bits),
 * for f32 and f64, on random calls: sizes that straddle tile and vector edges (0, 1, 7, 17, 63,
 * 65, 129, ...), the four storage orders, padded leading dimensions, offsets, batches (with B
 * shared or not), every epilogue and 1 or 2 threads. {@code nabla.tries} cases per width and type.
 */
class GemmPropertyTest {
    private static final int[] WIDTHS = {0, 128, 256, 512};

    /** Sizes around the edges of 4- and 8-row tiles and of 4-, 8-, 16- and 32-lane vectors. */
    private static final Gen<Integer> SIZE = Generate.pick(List.of(0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 63, 65, 129));

    static Gen<GemmCase> cases() {
        Gen<Epilogue> epilogue = in -> new Epilogue(
                Generate.enumValues(Epilogue.Bias.class).generate(in),
                Generate.enumValues(Activation.class).generate(in),
                booleans().all().generate(in));
        Gen<Integer> pad = integers().between(0, 3);
        return in -> {
            int m = SIZE.generate(in), n = SIZE.generate(in), k = SIZE.generate(in);
            // keep the 512-bit path, emulated where the hardware lacks it, within CI time
            int batch = (long) m * n * k > 100_000 ? 1 : integers().between(1, 3).generate(in);
            return new GemmCase(batch, m, n, k, booleans().all().generate(in), booleans().all().generate(in),
                    pad.generate(in), pad.generate(in), pad.generate(in), pad.generate(in), pad.generate(in), pad.generate(in),
                    booleans().all().generate(in), epilogue.generate(in), integers().between(1, 2).generate(in),
                    longs().all().generate(in));
        };
    }

    @TestFactory
    Stream<DynamicTest> matchesNaiveLoopAtEveryWidth() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int bits : WIDTHS) {
            Gemm gemm = Gemm.withVectorBits(bits);
            tests.add(DynamicTest.dynamicTest("f32, " + gemm, () -> Tries.qt().forAll(cases()).checkAssert(c -> c.checkF32(gemm))));
            tests.add(DynamicTest.dynamicTest("f64, " + gemm, () -> Tries.qt().forAll(cases()).checkAssert(c -> c.checkF64(gemm))));
        }
        return tests.stream();
    }
}
