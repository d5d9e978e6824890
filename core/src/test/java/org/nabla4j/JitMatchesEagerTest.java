package org.nabla4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.List;
import java.util.Random;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Property: for random compositions of NumPy-style functions, {@code jit(f)(x)} equals {@code f(x)} run eagerly. */
class JitMatchesEagerTest {
    static final int TRIES = Integer.getInteger("nabla.tries", 60);

    private static final List<UnaryOperator<NDArray>> UNARY = List.of(
            Np::sin, Np::tanh, Np::exp, x -> Np.log(x.abs().add(1)), Np::neg, Np::square, Np::logistic,
            x -> x.mul(0.5).add(2), x -> Np.relu(x), x -> Np.sqrt(x.abs()), x -> Np.where(x.gt(0), x, x.mul(0.1)),
            x -> Np.softmax(x, -1), x -> Np.logSumExp(x, -1).reshape(-1, 1).broadcastTo(x.shape()),
            x -> Np.cumsum(x, 0), x -> Np.sort(x, -1), x -> x.sum(0).broadcastTo(x.shape()),
            x -> x.max(-1).reshape(-1, 1).broadcastTo(x.shape()), x -> x.T().T(), x -> Np.clip(x, -0.5, 0.5),
            x -> Np.mod(x, NDArray.scalar(0.7f)), x -> x.astype(DType.F64).astype(DType.F32));

    private static final List<BinaryOperator<NDArray>> BINARY = List.of(
            NDArray::add, NDArray::sub, NDArray::mul, NDArray::maximum, NDArray::minimum,
            (x, y) -> x.div(y.abs().add(1)), (x, y) -> x.matmul(y.T()).slice(1, 0, 1).broadcastTo(x.shape()),
            (x, y) -> Np.concatenate(List.of(x, y), 0).slice(0, 0, x.shape()[0]),
            (x, y) -> Np.where(x.lt(y), x, y), (x, y) -> x.add(y.mean(1).reshape(-1, 1)));

    /** A random function of two (rows, cols) arrays built from the tables above. */
    static BinaryOperator<NDArray> randomFunction(long seed) {
        return (x, y) -> {
            Random r = new Random(seed);
            NDArray a = x, b = y;
            for (int step = 0; step < 6; step++) {
                if (r.nextBoolean()) {
                    a = UNARY.get(r.nextInt(UNARY.size())).apply(a);
                } else {
                    NDArray c = BINARY.get(r.nextInt(BINARY.size())).apply(a, b);
                    b = a;
                    a = c;
                }
            }
            return a;
        };
    }

    static NDArray randomArray(Random r, int rows, int cols) {
        float[] d = new float[rows * cols];
        for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian();
        return NDArray.of(d, rows, cols);
    }

    @Test
    void jitOfARandomFunctionEqualsTheEagerFunction() {
        qt().withExamples(TRIES).forAll(longs().all(), integers().between(1, 5), integers().between(1, 6)).checkAssert((seed, rows, cols) -> {
            Random r = new Random(seed);
            NDArray x = randomArray(r, rows, cols), y = randomArray(r, rows, cols);
            BinaryOperator<NDArray> f = randomFunction(seed);
            NDArray eager = f.apply(x, y);
            NDArray jitted = Nabla.jit(f).apply(x, y);
            assertArrayEquals(eager.shape(), jitted.shape());
            assertEquals(eager.dtype(), jitted.dtype());
            // Compiled code may use vector transcendentals (a few ulps) and another summation order,
            // so values agree to a relative 1e-5 of the largest magnitude; NaN and infinities exactly.
            float[] e = eager.toFloatArray(), j = jitted.toFloatArray();
            double scale = 1;
            for (float v : e) if (Float.isFinite(v)) scale = Math.max(scale, Math.abs(v));
            for (int i = 0; i < e.length; i++) {
                if (!Float.isFinite(e[i])) {
                    assertEquals(e[i], j[i], "element " + i);
                } else {
                    assertTrue(Math.abs(e[i] - j[i]) <= 1e-5 * scale, "element " + i + ": " + e[i] + " vs " + j[i]);
                }
            }
        });
    }
}
