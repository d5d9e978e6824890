package org.nabla4j.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nabla4j.DType;
import org.nabla4j.ShapeError;

/** The interpreter's cond, while and scan against plain Java loops over random data. */
class ControlFlowInterpreterTest {
    static final String COND = """
            { lambda ; i:i32[] a:f64[4] b:f64[4]. let
                c:f64[4] = cond[branches=({ lambda ; a:f64[4] b:f64[4]. let
                      c:f64[4] = mul a b
                    in (c) }, { lambda ; a:f64[4] b:f64[4]. let
                      c:f64[4] = sub a b
                    in (c) })] i a b
              in (c) }""";

    static final String WHILE = """
            { lambda ; n:i32[] x:f64[]. let
                a:i32[] b:f64[] = while[cond={ lambda ; n:i32[] k:i32[] x:f64[]. let
                      c:bool[] = lt k n
                    in (c) } body={ lambda ; n:i32[] k:i32[] x:f64[]. let
                      a:i32[] = add k 1:i32
                      b:f64[] = mul x 1.5:f64
                      c:f64[] = add b 0.25:f64
                    in (a, c) } nconsts=1] n 0:i32 x
              in (a, b) }""";

    static final String SCAN = """
            { lambda ; w:f64[3] c:f64[3] xs:f64[5,3]. let
                d:f64[3] e:f64[5,3] = scan[body={ lambda ; w:f64[3] c:f64[3] x:f64[3]. let
                      a:f64[3] = mul c w
                      b:f64[3] = add a x
                      d:f64[3] = sin c
                    in (b, d) } length=5 reverse=REV nconsts=1 ncarry=1] w c xs
              in (d, e) }""";

    static Tensor vec(double... v) {
        return Tensor.wrap(AbstractArray.of(DType.F64, v.length), v.clone());
    }

    @Test
    void condRunsTheClampedBranch() {
        Program p = ProgramParser.parse(COND);
        Random r = new Random(1);
        double[] a = r.doubles(4).toArray(), b = r.doubles(4).toArray();
        for (int i = -3; i < 4; i++) {
            double[] expected = new double[4];
            for (int j = 0; j < 4; j++) expected[j] = i <= 0 ? a[j] * b[j] : a[j] - b[j];
            Tensor out = Interpreter.run(p, List.of(), List.of(Tensor.scalar(i, DType.I32), vec(a), vec(b))).getFirst();
            assertArrayEquals(expected, (double[]) out.data());
        }
    }

    @Test
    void whileLoopsUntilTheConditionFails() {
        Program p = ProgramParser.parse(WHILE);
        for (int n = -2; n < 9; n++) {
            int k = 0;
            double x = 0.5;
            while (k < n) {
                k++;
                x = x * 1.5 + 0.25;
            }
            List<Tensor> out = Interpreter.run(p, List.of(), List.of(Tensor.scalar(n, DType.I32), Tensor.scalar(0.5, DType.F64)));
            assertEquals(k, out.get(0).getLong(0));
            assertEquals(x, out.get(1).getDouble(0));
        }
    }

    @Test
    void scanCarriesAndStacksInEitherDirection() {
        for (boolean reverse : new boolean[] {false, true}) {
            Program p = ProgramParser.parse(SCAN.replace("REV", Boolean.toString(reverse)));
            Random r = new Random(2);
            double[] w = r.doubles(3).toArray(), c = r.doubles(3).toArray(), xs = r.doubles(15).toArray();
            double[] carry = c.clone();
            double[] ys = new double[15];
            for (int step = 0; step < 5; step++) {
                int i = reverse ? 4 - step : step;
                for (int j = 0; j < 3; j++) {
                    ys[i * 3 + j] = Math.sin(carry[j]);
                    carry[j] = carry[j] * w[j] + xs[i * 3 + j];
                }
            }
            List<Tensor> out = Interpreter.run(p, List.of(), List.of(vec(w), vec(c), Tensor.wrap(AbstractArray.of(DType.F64, 5, 3), xs)));
            assertArrayEquals(carry, (double[]) out.get(0).data());
            assertArrayEquals(ys, (double[]) out.get(1).data());
        }
    }

    @Test
    void subProgramsMustFitTheirOperands() {
        String branchTakesF32 = """
                { lambda ; i:i32[] a:f64[4]. let
                    c:f64[4] = cond[branches=({ lambda ; a:f32[4]. let
                        in (a) })] i a
                  in (c) }""";
        assertThrows(ShapeError.class, () -> ProgramParser.parse(branchTakesF32));
        Params tooLong = ProgramParser.parse(SCAN.replace("REV", "false")).equations().getFirst().params().with("length", 4);
        assertThrows(ShapeError.class, () -> PrimitiveRules.infer(Primitive.SCAN, tooLong,
                List.of(AbstractArray.of(DType.F64, 3), AbstractArray.of(DType.F64, 3), AbstractArray.of(DType.F64, 5, 3))));
    }
}
