package org.nabla4j.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nabla4j.DType;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.ProgramParser;
import org.nabla4j.ir.Shape;
import org.nabla4j.ir.Tensor;

/** The f32 vector exp (reduction by ln 2, a polynomial, exponent bits) against Math.exp, at every vector width. */
class VectorExpTest {
    @Test
    void withinTwoUlpAndHandsOverflowAndSubnormalResultsToTheLibrary() {
        int n = 1 << 20;
        float[] x = new float[n];
        Random r = new Random(11);
        for (int i = 0; i < n; i++) {
            double scale = switch (i % 4) { case 0 -> 4; case 1 -> 110; case 2 -> 30; default -> 1e-3; };
            x[i] = (float) ((2 * r.nextDouble() - 1) * scale);
        }
        // special values, and a vector's worth of lanes where only one is beyond the reduction's range
        float[] specials = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE,
            VectorOps.EXP_LOW, VectorOps.EXP_HIGH, Math.nextDown(VectorOps.EXP_LOW), Math.nextUp(VectorOps.EXP_HIGH), 88.72f, 88.73f, -87.4f,
            -100f, -103.9f, -104f, -200f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 1e9f, -1e9f, 0.5f, -0.5f, 0.34657359f, -0.34657359f, 100f};
        System.arraycopy(specials, 0, x, 0, specials.length);
        Program p = ProgramParser.parse("{ lambda ; x:f32[" + n + "]. let y:f32[" + n + "] = exp x in (y) }");
        Tensor in = Tensor.wrap(new AbstractArray(DType.F32, Shape.of(n)), x);
        for (int bits : new int[] {128, 256, 512}) {
            float[] y = (float[]) CodegenBackend.withVectorBits(bits).compile(p).run(List.of(), List.of(in)).getFirst().data();
            double worst = 0;
            for (int i = 0; i < n; i++) {
                float expected = (float) Math.exp(x[i]);
                if (Float.isNaN(expected) || Float.isInfinite(expected) || expected == 0 || x[i] == 0) {
                    assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(y[i]), "exp(" + x[i] + ") at " + bits + " bits");
                } else {
                    double ulp = Math.abs(y[i] - Math.exp(x[i])) / Math.ulp(expected);
                    worst = Math.max(worst, ulp);
                    assertTrue(ulp <= 2, "exp(" + x[i] + ") = " + y[i] + ", " + ulp + " ulp from " + expected + " at " + bits + " bits");
                }
            }
            assertTrue(worst > 0.5, "the polynomial is in use (worst " + worst + " ulp)");
        }
    }
}
