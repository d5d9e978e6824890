package org.nabla4j;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DebugNansTest {
    @AfterEach
    void off() {
        Nabla.config().debugNans(false);
    }

    static NDArray f(NDArray x) {
        NDArray y = x.sub(1);
        return y.sqrt().add(1);
    }

    @Test
    void theFirstOperationThatMakesANanIsReportedWithTheUserLine() {
        NDArray x = NDArray.of(4.0, 0.5);
        assertDoesNotThrow(() -> f(x));
        Nabla.config().debugNans(true);
        NanError eager = assertThrows(NanError.class, () -> f(x));
        assertTrue(eager.getMessage().contains("sqrt") && eager.getMessage().contains("DebugNansTest.f(DebugNansTest.java:18)"), eager.getMessage());
        NanError jitted = assertThrows(NanError.class, () -> Nabla.jit(DebugNansTest::f).apply(x));
        assertTrue(jitted.getMessage().contains("sqrt") && jitted.getMessage().contains("DebugNansTest.java:18"), jitted.getMessage());
    }

    @Test
    void nansThatComeInAreNotBlamedOnTheOperation() {
        Nabla.config().debugNans(true);
        assertDoesNotThrow(() -> Nabla.jit(DebugNansTest::f).apply(NDArray.of(Double.NaN, 4.0)));
    }
}
