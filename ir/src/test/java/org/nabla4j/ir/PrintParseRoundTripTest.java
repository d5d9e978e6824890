package org.nabla4j.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nabla4j.DType;
import org.nabla4j.ir.gen.RandomPrograms;
import org.nabla4j.ir.gen.RandomPrograms.Config;
import org.nabla4j.ir.gen.Tries;
import org.quicktheories.core.Gen;

/** The text form is lossless: printing and parsing back gives an equal program that prints the same. */
class PrintParseRoundTripTest {
    private static final Gen<Program> PROGRAMS = RandomPrograms.programs(Config.defaults().withSpecialValues(true))
            .mix(RandomPrograms.programs(Config.defaults().withDType(DType.F64).withSpecialValues(true)));

    @Test
    void randomProgramsRoundTrip() {
        Tries.qt().forAll(PROGRAMS).checkAssert(PrintParseRoundTripTest::assertRoundTrips);
    }

    /** Folding puts arbitrary computed values into literals, and literals into outputs. */
    @Test
    void simplifiedRandomProgramsRoundTrip() {
        Tries.qt().forAll(PROGRAMS.map(Passes::simplify)).checkAssert(PrintParseRoundTripTest::assertRoundTrips);
    }

    @Test
    void extremeLiteralsRoundTrip() {
        ProgramBuilder b = new ProgramBuilder();
        Var x = b.input(AbstractArray.scalar(DType.F32));
        Var y = b.input(AbstractArray.scalar(DType.F64));
        List<Atom> outs = new ArrayList<>();
        for (double v : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, Float.MIN_VALUE,
                Float.MAX_VALUE, -Float.MIN_NORMAL, 1e-5, 0.1, 16777217}) {
            outs.add(b.add1(Primitive.ADD, Params.EMPTY, x, Literal.of(v, DType.F32)));
        }
        for (double v : new double[] {Double.NaN, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, 0.1, 1e300, -1.0 / 3}) {
            outs.add(b.add1(Primitive.MUL, Params.EMPTY, Literal.of(v, DType.F64), y));
        }
        outs.add(new Literal(Long.MIN_VALUE, DType.I64));
        outs.add(new Literal((long) Integer.MIN_VALUE, DType.I32));
        outs.add(new Literal(true, DType.BOOL));
        outs.add(Literal.of(Double.NEGATIVE_INFINITY, DType.F64));
        assertRoundTrips(b.build(outs));
    }

    /** Names are base 26, so long programs have variables called {@code in}, {@code let}, {@code inf} and {@code nan}. */
    @Test
    void variablesNamedLikeKeywordsRoundTrip() {
        ProgramBuilder b = new ProgramBuilder();
        Atom x = b.input(AbstractArray.of(DType.F32, 2));
        for (int i = 0; i < 4500; i++) {
            x = b.add1(Primitive.NEG, Params.EMPTY, x);
            x = b.add1(Primitive.ADD, Params.EMPTY, x, Literal.of(1, DType.F32));
        }
        Program p = b.build(List.of(x));
        String text = p.toString();
        for (String name : List.of("in", "let", "inf", "nan")) assertTrue(text.contains(" " + name + ":f32[2] = "), name);
        assertRoundTrips(p);
    }

    private static void assertRoundTrips(Program p) {
        String text = p.toString();
        Program back = ProgramParser.parse(text);
        assertEquals(p, back);
        assertEquals(text, back.toString());
    }
}
