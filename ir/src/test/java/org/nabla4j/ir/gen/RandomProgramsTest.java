package org.nabla4j.ir.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nabla4j.DType;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Equation;
import org.nabla4j.ir.Literal;
import org.nabla4j.ir.Passes;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.Tensor;
import org.nabla4j.ir.Verifier;
import org.nabla4j.ir.gen.RandomPrograms.Case;
import org.nabla4j.ir.gen.RandomPrograms.Config;

/** The generator itself: well-typed output, reproducible from a seed, and covering what it promises. */
class RandomProgramsTest {
    private static final Config F32 = Config.defaults().withSpecialValues(true);
    private static final Config F64 = Config.defaults().withDType(DType.F64);

    @Test
    void programsAreWellTypedAndRunOnTheirArguments() {
        Tries.qt().forAll(RandomPrograms.cases(F32).mix(RandomPrograms.cases(F64))).checkAssert(c -> {
            Program p = Verifier.verify(c.program());
            assertEquals(p.constTypes(), c.consts().stream().map(Tensor::type).toList());
            assertEquals(p.inputTypes(), c.args().stream().map(Tensor::type).toList());
            assertEquals(p.outputTypes(), c.run().stream().map(Tensor::type).toList());
        });
    }

    @Test
    void aSeedDeterminesTheCase() {
        for (long seed = 0; seed < 20; seed++) {
            Case a = RandomPrograms.generate(F32, seed), b = RandomPrograms.generate(F32, seed);
            assertEquals(a.program(), b.program());
            assertEquals(a.consts(), b.consts());
            assertEquals(a.args(), b.args());
        }
    }

    /** The first input and the constants have fresh shapes; later inputs may take shapes derived from other values. */
    @Test
    void shapesAndEquationCountsFollowTheConfig() {
        Config c = Config.defaults().withDType(DType.F64).withDims(2, 3).withMaxRank(2).withMaxElements(6).withEquations(5, 8);
        for (long seed = 0; seed < 200; seed++) {
            Case k = RandomPrograms.generate(c, seed);
            assertTrue(k.program().equations().size() >= 5, "at least minEquations");
            assertFreshShape(c, k.args().getFirst().type());
            for (Tensor t : k.consts()) assertFreshShape(c, t.type());
            for (AbstractArray t : k.program().types()) assertTrue(t.rank() <= c.maxRank(), t + " exceeds the rank limit");
        }
    }

    private static void assertFreshShape(Config c, AbstractArray t) {
        assertEquals(c.dtype(), t.dtype());
        assertTrue(t.rank() <= c.maxRank(), t + " exceeds the rank limit");
        assertTrue(t.shape().size() <= c.maxElements() || t.shape().toList().stream().allMatch(d -> d == c.minDim()),
                t + " exceeds the size limit");
        for (int d : t.shape().dims()) assertTrue(d >= c.minDim() && d <= c.maxDim(), t + " has a dimension out of range");
    }

    /** Differential tests rely on this: a program's reach is every non-control-flow primitive. */
    @Test
    void everyPrimitiveAppears() {
        Set<Primitive> seen = EnumSet.noneOf(Primitive.class);
        for (long seed = 0; seed < 400; seed++) {
            for (Equation e : RandomPrograms.generate(F32, seed).program().equations()) seen.add(e.primitive());
        }
        assertEquals(EnumSet.allOf(Primitive.class), seen);
    }

    @Test
    void programsGiveEveryPassWorkAndCoverEdgeShapes() {
        int dead = 0, duplicated = 0, literalOnly = 0, emptyArrays = 0, scalarOperands = 0, constants = 0;
        for (long seed = 0; seed < 200; seed++) {
            Program p = RandomPrograms.generate(F32, seed).program();
            int n = p.equations().size();
            if (Passes.dce(p).equations().size() < n) dead++;
            if (Passes.cse(p).equations().size() < n) duplicated++;
            if (Passes.foldConstants(p).equations().size() < n) literalOnly++;
            if (p.types().stream().anyMatch(t -> t.shape().size() == 0)) emptyArrays++;
            if (p.equations().stream().anyMatch(e -> e.operands().size() == 2 && e.primitive().kind() == Primitive.Kind.BINARY
                    && e.operands().stream().anyMatch(a -> p.type(a).rank() == 0))) scalarOperands++;
            if (!p.constVars().isEmpty()) constants++;
        }
        for (int count : List.of(dead, duplicated, literalOnly, emptyArrays, scalarOperands, constants)) {
            assertTrue(count >= 20, "each feature should show up in at least 10% of programs: dead " + dead + ", duplicated "
                    + duplicated + ", literal-only " + literalOnly + ", empty arrays " + emptyArrays + ", rank-0 operands "
                    + scalarOperands + ", constants " + constants);
        }
    }

    /** Without special inputs, nearly all results are finite: the generator keeps values in safe domains. */
    @Test
    void resultsAreMostlyFinite() {
        long finite = 0, total = 0;
        for (long seed = 0; seed < 300; seed++) {
            for (Tensor t : RandomPrograms.generate(Config.defaults(), seed).run()) {
                if (!t.dtype().isFloating()) continue;
                for (int i = 0; i < t.size(); i++) {
                    if (Double.isFinite(t.getDouble(i))) finite++;
                }
                total += t.size();
            }
        }
        assertTrue(finite >= 0.97 * total, finite + " of " + total + " float results are finite");
    }
}
