package org.nabla4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class GradApiTest {
    record Params(NDArray w, NDArray b) {}

    @Test
    void gradOfSinSumIsCos() {
        NDArray x = NDArray.of(0.0, 0.5, 1.0, 2.0);
        NDArray g = Nabla.grad((NDArray v) -> v.sin().sum()).apply(x);
        assertArrayEquals(x.cos().toDoubleArray(), g.toDoubleArray(), 1e-12);
    }

    @Test
    void gradOfGradOfSinIsMinusSin() {
        Function<NDArray, NDArray> d1 = Nabla.grad((NDArray v) -> v.sin());
        Function<NDArray, NDArray> d2 = Nabla.grad(d1);
        for (double v : new double[] {-1.3, 0, 0.4, 2.5}) {
            assertEquals(-Math.sin(v), d2.apply(NDArray.scalar(v)).item(), 1e-12);
        }
    }

    @Test
    void gradOfARecordIsARecord() {
        NDArray x = NDArray.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2);
        var g = Nabla.grad((Params p) -> x.matmul(p.w()).add(p.b()).tanh().sum())
                .apply(new Params(NDArray.of(0.1, -0.2), NDArray.scalar(0.3)));
        assertArrayEquals(new int[] {2}, g.w().shape());
        assertArrayEquals(new int[] {}, g.b().shape());
    }

    @Test
    void jitOfGradEqualsGrad() {
        Function<NDArray, NDArray> g = Nabla.grad((NDArray v) -> v.mul(v).exp().mean());
        NDArray x = NDArray.of(0.1, -0.4, 0.7);
        assertArrayEquals(g.apply(x).toDoubleArray(), Nabla.jit(g).apply(x).toDoubleArray(), 1e-12);
    }

    @Test
    void hessianOfAQuadraticFormIsASymmetrisedMatrix() {
        NDArray a = NDArray.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 10}, 3, 3);
        NDArray h = Nabla.hessian((NDArray x) -> x.matmul(a.matmul(x))).apply(NDArray.of(0.3, -1.0, 2.0));
        assertArrayEquals(a.add(a.T()).toDoubleArray(), h.toDoubleArray(), 1e-12);
    }

    @Test
    void gradOfANonScalarFunctionSaysWhatToDo() {
        var e = assertThrows(ShapeError.class, () -> Nabla.grad((NDArray v) -> v.sin()).apply(NDArray.of(1.0, 2.0)));
        assertTrue(e.getMessage().contains("scalar") && e.getMessage().contains("f64[2]") && e.getMessage().contains("jacrev"), e.getMessage());
    }

    @Test
    void gradWithRespectToAnIntegerArrayIsAnError() {
        var e = assertThrows(DTypeError.class, () -> Nabla.grad((NDArray v) -> v.sum().astype(DType.F32)).apply(NDArray.of(1, 2)));
        assertTrue(e.getMessage().contains("i32[2]") && e.getMessage().contains("astype"), e.getMessage());
    }

    @Test
    void valueAndGradWithArgnumsAndAux() {
        java.util.function.BiFunction<NDArray, NDArray, ValueAndGrad<NDArray>> f =
                Nabla.valueAndGrad((NDArray a, NDArray b) -> a.mul(b).sum(), 1);
        ValueAndGrad<NDArray> r = f.apply(NDArray.of(2.0, 3.0), NDArray.of(5.0, 7.0));
        assertEquals(31.0, r.value().item());
        assertArrayEquals(new double[] {2, 3}, r.grad().toDoubleArray());
        List<Object> both = Nabla.grad((NDArray a, NDArray b) -> a.mul(b).sum(), 0, 1).apply(NDArray.of(2.0), NDArray.of(5.0));
        assertEquals(5.0, ((NDArray) both.get(0)).item());
        assertEquals(2.0, ((NDArray) both.get(1)).item());
        var withAux = Nabla.valueAndGradWithAux((NDArray a) -> new WithAux<>(a.square().sum(), a.max()));
        var out = withAux.apply(NDArray.of(1.0, 4.0));
        assertEquals(4.0, out.aux().item());
        assertArrayEquals(new double[] {2, 8}, out.grad().toDoubleArray());
    }

    @Test
    void jvpAndVjpAgree() {
        Function<NDArray, NDArray> f = v -> v.sin().mul(v.sum());
        NDArray x = NDArray.of(0.3, 1.1), t = NDArray.of(1.0, -2.0), u = NDArray.of(0.5, 3.0);
        NDArray jt = Nabla.jvp(f, x, t).tangent();
        NDArray vu = Nabla.vjp(f, x).pullback().apply(u);
        assertEquals(u.mul(jt).sum().item(), vu.mul(t).sum().item(), 1e-12);
    }

    @Test
    void jacfwdEqualsJacrev() {
        Function<NDArray, NDArray> f = v -> Np.softmax(v.mul(v.get(0)), 0);
        NDArray x = NDArray.of(0.2, -0.7, 1.5);
        assertArrayEquals(Nabla.jacfwd(f).apply(x).toDoubleArray(), Nabla.jacrev(f).apply(x).toDoubleArray(), 1e-12);
        assertArrayEquals(new int[] {3, 3}, Nabla.jacrev(f).apply(x).shape());
    }

    static NDArray logisticLoss(NDArray w, NDArray x, NDArray y) {
        NDArray z = x.matmul(w);
        return Np.softplus(z).sub(y.mul(z)).mean();
    }

    @Test
    void threeArgumentFunctionsTransformLikeTheOthers() {
        java.util.Random r = new java.util.Random(5);
        double[] xv = r.doubles(6 * 3).map(v -> v - 0.5).toArray();
        NDArray x = NDArray.of(xv, 6, 3), y = NDArray.of(1.0, 0.0, 1.0, 1.0, 0.0, 0.0), w = NDArray.of(0.3, -0.2, 0.1);
        NDArray perSample = Nabla.vmap(Nabla.grad(GradApiTest::logisticLoss), InAxes.of(null, 0, 0)).apply(w, x, y);
        assertArrayEquals(new int[] {6, 3}, perSample.shape());
        for (int i = 0; i < 6; i++) {
            NDArray gi = Nabla.grad(GradApiTest::logisticLoss).apply(w, x.get(i).reshape(1, 3), y.get(i).reshape(1));
            assertArrayEquals(gi.toDoubleArray(), perSample.get(i).toDoubleArray(), 1e-12);
        }
        assertArrayEquals(perSample.mean(0).toDoubleArray(),
                Nabla.jit(Nabla.grad(GradApiTest::logisticLoss)).apply(w, x, y).toDoubleArray(), 1e-12);
        java.util.function.Function<NDArray, NDArray> gx = xx -> Nabla.<NDArray, NDArray, NDArray, NDArray>grad(GradApiTest::logisticLoss, 1)
                .apply(w, xx, y);
        assertArrayEquals(new int[] {6, 3}, gx.apply(x).shape());
    }
}
