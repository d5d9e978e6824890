package org.nabla4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Functions with hand-written derivatives. */
class CustomVjpTest {
    /** log(1 + e^x), whose naive derivative e^x / (1 + e^x) is inf/inf = NaN for large x. */
    static final Function<NDArray, NDArray> LOG1PEXP = Nabla.customVjp(
            x -> Np.log1p(Np.exp(x)),
            x -> new FwdResult<>(Np.log1p(Np.exp(x)), x),
            (x, g) -> g.mul(Np.logistic(x)));

    @Test
    void theCustomDerivativeIsUsedInReverseAndForwardMode() {
        NDArray x = NDArray.of(-1e3, 0.0, 3.0, 1e3);
        NDArray naive = Nabla.grad((NDArray v) -> Np.log1p(Np.exp(v)).sum()).apply(x);
        assertTrue(Double.isNaN(naive.toDoubleArray()[3]), naive.toString());
        NDArray custom = Nabla.grad((NDArray v) -> LOG1PEXP.apply(v).sum()).apply(x);
        assertArrayEquals(new double[] {0, 0.5, 1 / (1 + Math.exp(-3)), 1}, custom.toDoubleArray(), 1e-15);
        NDArray forward = Nabla.jvp(LOG1PEXP, x, NDArray.of(1.0, 1.0, 1.0, 1.0)).tangent();
        assertArrayEquals(custom.toDoubleArray(), forward.toDoubleArray(), 1e-15);
        assertArrayEquals(custom.toDoubleArray(), Nabla.jit(Nabla.grad((NDArray v) -> LOG1PEXP.apply(v).sum())).apply(x).toDoubleArray(), 1e-15);
        NDArray perElement = Nabla.vmap(Nabla.grad((NDArray v) -> LOG1PEXP.apply(v))).apply(x);
        assertArrayEquals(custom.toDoubleArray(), perElement.toDoubleArray(), 1e-15);
    }

    @Test
    void underJitThePrimalComputationIsCompiledInline() {
        NDArray x = NDArray.of(-3.0, 0.0, 0.5, 40.0);
        NDArray eager = LOG1PEXP.apply(x).mul(2);
        assertArrayEquals(eager.toDoubleArray(), Nabla.jit((NDArray v) -> LOG1PEXP.apply(v).mul(2)).apply(x).toDoubleArray(), 1e-12);
    }

    @Test
    void bwdDecidesTheGradientEvenWhenItIsNotTheTrueDerivative() {
        // A straight-through estimator: round forward, identity backward.
        Function<NDArray, NDArray> straightThrough = Nabla.customVjp(Np::round, x -> new FwdResult<>(Np.round(x), NDArray.scalar(0.0)), (r, g) -> g);
        NDArray x = NDArray.of(0.2, 1.7);
        assertArrayEquals(new double[] {0, 2}, straightThrough.apply(x).toDoubleArray());
        assertArrayEquals(new double[] {3, 3}, Nabla.grad((NDArray v) -> straightThrough.apply(v).mul(3).sum()).apply(x).toDoubleArray());
    }

    @Test
    void misshapenFunctionsAreReportedClearly() {
        Function<NDArray, NDArray> badBwd = Nabla.customVjp(NDArray::sin, x -> new FwdResult<>(x.sin(), x), (x, g) -> g.sum());
        var e = assertThrows(TreeError.class, () -> badBwd.apply(NDArray.of(1.0, 2.0)));
        assertTrue(e.getMessage().contains("bwd") && e.getMessage().contains("f64[2]"), e.getMessage());
        Function<NDArray, NDArray> nonLinear = Nabla.customVjp(NDArray::sin, x -> new FwdResult<>(x.sin(), x), (x, g) -> g.mul(g));
        var e2 = assertThrows(NablaException.class, () -> Nabla.grad((NDArray v) -> nonLinear.apply(v).sum()).apply(NDArray.of(1.0)));
        assertTrue(e2.getMessage().contains("linear"), e2.getMessage());
        assertEquals(Math.sin(1.0), nonLinear.apply(NDArray.of(1.0)).item(), 1e-15);
    }
}
