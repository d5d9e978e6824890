package org.nabla4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import org.nabla4j.NDArray;
import org.nabla4j.Nabla;

class LotkaVolterraTest {
    @Test
    void theGradientThroughTheIntegratorMatchesFiniteDifferences() {
        NDArray params = NDArray.of(1.1, 0.4, 0.1, 0.4), initial = NDArray.of(10.0, 5.0);
        double[] g = Nabla.jit(Nabla.grad(LotkaVolterra::finalTotal)).apply(params, initial).toDoubleArray();
        assertArrayEquals(LotkaVolterra.finiteDifferences(params, initial), g, 1e-4);
    }
}
