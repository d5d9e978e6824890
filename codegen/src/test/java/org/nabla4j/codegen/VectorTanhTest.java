package org.nabla4j.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nabla4j.DType;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.ProgramParser;
import org.nabla4j.ir.Shape;
import org.nabla4j.ir.Tensor;

/** The f32 vector tanh (a clamped rational approximation) against Math.tanh, at every vector width. */
class VectorTanhTest {
    @Test
    void withinSixUlpNeverBeyondOneAndExactAtTheSpecialValues() {
        int n = 1 << 20;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (-12 + 24.0 * i / n);
        float[] specials = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e-30f, -1e-20f, Float.MIN_VALUE,
            0.25f, -0.25f, Math.nextDown(0.25f), 9f, -9f, 44f, 100f, -100f};
        System.arraycopy(specials, 0, x, 0, specials.length);
        Program p = ProgramParser.parse("{ lambda ; x:f32[" + n + "]. let y:f32[" + n + "] = tanh x in (y) }");
        Tensor in = Tensor.wrap(new AbstractArray(DType.F32, Shape.of(n)), x);
        for (int bits : new int[] {128, 256, 512}) {
            float[] y = (float[]) CodegenBackend.withVectorBits(bits).compile(p).run(List.of(), List.of(in)).getFirst().data();
            double worst = 0;
            for (int i = 0; i < n; i++) {
                float expected = (float) Math.tanh(x[i]);
                if (Float.isNaN(expected) || Float.isInfinite(x[i]) || x[i] == 0 || Math.abs(x[i]) >= 10) {
                    assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(y[i]), "tanh(" + x[i] + ") at " + bits + " bits");
                } else {
                    worst = Math.max(worst, Math.abs(y[i] - expected) / Math.ulp(expected));
                    assertTrue(Math.abs(y[i]) <= 1, "|tanh(" + x[i] + ")| = " + y[i] + " > 1");
                }
            }
            assertTrue(worst <= 6, "worst error " + worst + " ulp at " + bits + " bits");
        }
    }
}
