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

/** The f32 vector sin and cos (reduction by π and an odd polynomial) against Math.sin and Math.cos, at every vector width. */
class VectorSinTest {
    @Test
    void withinTwoUlpKeepTheSignOfZeroAndHandLargeArgumentsToTheLibrary() {
        int n = 1 << 20;
        float[] x = new float[n];
        Random r = new Random(11);
        for (int i = 0; i < n; i++) {
            double scale = switch (i % 4) { case 0 -> 4; case 1 -> 100; case 2 -> VectorOps.SIN_REDUCTION_LIMIT; default -> 1e-3; };
            x[i] = (float) ((2 * r.nextDouble() - 1) * scale);
        }
        // special values, and a vector's worth of lanes where only one is beyond the reduction's range
        float[] specials = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE,
            (float) Math.PI, (float) -Math.PI, (float) (Math.PI / 2), 8192f, -8192f, Math.nextUp(8192f), 1e6f, -3e7f, Float.MAX_VALUE,
            1f, 2f, 3f, 4f, 5f, 6f, 7f, 1e9f, 0.5f, 0.25f, 0.125f, 12345.678f, -0.0f, 3.0e-8f, 100f, -100f};
        System.arraycopy(specials, 0, x, 0, specials.length);
        // the floats nearest the zeros of sin (kπ) and cos ((k + ½)π) up to the reduction's limit: small results, full relative accuracy
        for (int k = 0, i = specials.length; k < 2600; k++) {
            x[i++] = (float) (k * Math.PI);
            x[i++] = (float) ((k + 0.5) * Math.PI);
            x[i++] = (float) (-(k + 0.5) * Math.PI);
        }
        Tensor in = Tensor.wrap(new AbstractArray(DType.F32, Shape.of(n)), x);
        for (String op : new String[] {"sin", "cos"}) {
        boolean cos = op.equals("cos");
        Program p = ProgramParser.parse("{ lambda ; x:f32[" + n + "]. let y:f32[" + n + "] = " + op + " x in (y) }");
        for (int bits : new int[] {128, 256, 512}) {
            float[] y = (float[]) CodegenBackend.withVectorBits(bits).compile(p).run(List.of(), List.of(in)).getFirst().data();
            double worst = 0;
            for (int i = 0; i < n; i++) {
                double exact = cos ? Math.cos(x[i]) : Math.sin(x[i]);
                float expected = (float) exact;
                if (Float.isNaN(expected) || x[i] == 0) {
                    assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(y[i]), op + "(" + x[i] + ") at " + bits + " bits");
                } else {
                    double ulp = Math.abs(y[i] - exact) / Math.ulp(expected);
                    worst = Math.max(worst, ulp);
                    assertTrue(ulp <= 2, op + "(" + x[i] + ") = " + y[i] + ", " + ulp + " ulp from " + expected + " at " + bits + " bits");
                }
            }
            assertTrue(worst > 0.5, "the polynomial is in use (worst " + worst + " ulp)");
        }
        }
    }
}
