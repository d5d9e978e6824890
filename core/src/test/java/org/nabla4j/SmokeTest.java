package org.nabla4j;

import org.junit.jupiter.api.Test;

class SmokeTest {
    record Params(NDArray w1, NDArray b1, NDArray w2, NDArray b2) {}
    record Batch(NDArray x, NDArray y) {}

    static NDArray loss(Params p, Batch b) {
        NDArray h = Np.tanh(b.x().matmul(p.w1()).add(p.b1()));
        NDArray logits = h.matmul(p.w2()).add(p.b2());
        return Np.logSumExp(logits, 1).sub(Np.takeAlongAxis(logits, b.y(), 1)).mean();
    }

    @Test
    void smoke() {
        NDArray x = NDArray.of(1f, 2f, 3f);
        System.out.println(x.mul(2).add(1));
        System.out.println(NDArray.of(new double[][] {{1.5, 2.25}, {3, 4}}));
        var p = new Params(NDArray.ones(DType.F32, 4, 5), NDArray.zeros(DType.F32, 5), NDArray.ones(DType.F32, 5, 3), NDArray.zeros(DType.F32, 3));
        var b = new Batch(NDArray.ones(DType.F32, 2, 4), NDArray.of(0, 2));
        System.out.println(Nabla.makeJaxpr(SmokeTest::loss, p, b));
        System.out.println(loss(p, b));
        var jl = Nabla.jit(SmokeTest::loss);
        System.out.println(jl.apply(p, b));
        System.out.println(jl.programFor(p, b));
        System.out.println(jl.cacheStats());
    }
}
