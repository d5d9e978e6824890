package org.nabla4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nabla4j.Np.logSumExp;
import static org.nabla4j.Np.takeAlongAxis;
import static org.nabla4j.Np.tanh;

import org.junit.jupiter.api.Test;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.ProgramParser;
import org.nabla4j.ir.Verifier;

/** DESIGN §1's model, traced. */
class MakeJaxprTest {
    record Params(NDArray w1, NDArray b1, NDArray w2, NDArray b2) {}
    record Batch(NDArray x, NDArray y) {}

    static NDArray loss(Params p, Batch b) {
        NDArray h = tanh(b.x().matmul(p.w1()).add(p.b1()));
        NDArray logits = h.matmul(p.w2()).add(p.b2());
        return logSumExp(logits, 1).sub(takeAlongAxis(logits, b.y(), 1)).mean();
    }

    static Params params() {
        return new Params(NDArray.full(DType.F32, 0.1, 64, 32), NDArray.zeros(DType.F32, 32),
                NDArray.full(DType.F32, -0.1, 32, 10), NDArray.zeros(DType.F32, 10));
    }

    static Batch batch() {
        return new Batch(NDArray.ones(DType.F32, 16, 64), NDArray.arange(16).mod(10));
    }

    @Test
    void theLossPrintsAsIrThatParsesBack() {
        Jaxpr j = Nabla.makeJaxpr(MakeJaxprTest::loss, params(), batch());
        String text = j.toString();
        assertTrue(text.startsWith("{ lambda ; a:f32[64,32] b:f32[32] c:f32[64... ".substring(0, 30)), text);
        assertTrue(text.contains("dot_general") && text.contains("tanh") && text.contains("gather"), text);
        Program parsed = ProgramParser.parse(text);
        assertEquals(j.program(), parsed);
        Verifier.verify(parsed);
    }

    @Test
    void theTracedProgramComputesWhatTheEagerCodeComputes() {
        Jaxpr j = Nabla.makeJaxpr(MakeJaxprTest::loss, params(), batch());
        double eager = loss(params(), batch()).item();
        double jitted = Nabla.jit(MakeJaxprTest::loss).apply(params(), batch()).item();
        assertEquals(eager, jitted, 1e-6);
        assertEquals(6, j.program().inputs().size());
    }

    @Test
    void aThreeArgumentFunctionTracesWithItsArgumentsInOrder() {
        Function3<NDArray, NDArray, NDArray, NDArray> f = (w, h, x) -> tanh(w.matmul(h).add(x));
        Jaxpr j = Nabla.makeJaxpr(f, NDArray.zeros(DType.F32, 4, 3), NDArray.zeros(DType.F32, 3), NDArray.zeros(DType.F32, 4));
        assertEquals(List.of("f32[4,3]", "f32[3]", "f32[4]"), j.program().inputTypes().stream().map(Object::toString).toList());
        assertTrue(j.toString().contains("dot_general") && j.toString().contains("tanh"), j::toString);
    }
}
