package org.nabla4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The public API used as an outside user would, on functions no other test names: each case is a
 * bug found by a sweep over compositions of transformations, dtypes and bad inputs.
 */
class PublicApiSweepTest {
    private static final NDArray X = NDArray.of(0.5, -1.0, 2.0);

    private static void assertClose(NDArray expected, NDArray actual) {
        assertArrayEquals(expected.shape(), actual.shape(), () -> "shape of " + actual);
        assertEquals(expected.dtype(), actual.dtype(), () -> "dtype of " + actual);
        assertTrue(Np.allclose(expected, actual, 1e-9, 1e-12), () -> "expected " + expected + ", got " + actual);
    }

    private static void assertMentions(Throwable e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), () -> "message lacks '" + p + "': " + e.getMessage());
        assertTrue(e.getMessage().contains("PublicApiSweepTest.java:"), () -> "message lacks the user's line: " + e.getMessage());
    }

    // ---- forward-mode jacobians through control flow ----

    @Test
    void jacfwdGoesThroughCond() {
        Function<NDArray, NDArray> f = v -> Nabla.cond(v.sum().gt(0), u -> u.mul(2), u -> u.sin(), v);
        assertClose(NDArray.eye(DType.F64, 3).mul(2), Nabla.jacfwd(f).apply(X));
        assertClose(Nabla.jacrev(f).apply(X.neg()), Nabla.jacfwd(f).apply(X.neg()));
    }

    @Test
    void hessianGoesThroughScan() {
        // carry: c0 = 1, c_{i+1} = c_i * x_i + 1, so c3 = x0 x1 x2 + x1 x2 + x2 + 1
        Function<NDArray, NDArray> f = v -> Nabla.scan((NDArray c, NDArray xi) -> new ScanStep<>(c.mul(xi).add(1), c), NDArray.scalar(1.0), v).carry();
        double x0 = 0.5, x1 = -1, x2 = 2;
        NDArray expected = NDArray.of(new double[][] {{0, x2, x1}, {x2, 0, x0 + 1}, {x1, x0 + 1, 0}});
        assertClose(expected, Nabla.hessian(f).apply(X));
    }

    @Test
    void vmapKeepsALoopCarryThatDoesNotDependOnTheBatchUnmapped() {
        record Carry(NDArray count, NDArray acc) {}
        Function<NDArray, Carry> f = v -> Nabla.whileLoop((Carry c) -> c.count().lt(3),
                (Carry c) -> new Carry(c.count().add(1), c.acc().mul(2)), new Carry(NDArray.scalar(0), v));
        Carry out = Nabla.vmap(f, InAxes.all(0), OutAxes.of(OutAxes.fields("count", null, "acc", 0))).apply(X);
        assertClose(NDArray.scalar(3), out.count());
        assertClose(X.mul(8), out.acc());
    }

    // ---- grad ----

    @Test
    void gradWithRespectToAJavaNumberIsAnErrorNotTheNumberBack() {
        var g = Nabla.grad((Double s, NDArray v) -> v.mul(s).sum());
        DTypeError e = assertThrows(DTypeError.class, () -> g.apply(2.0, X));
        assertMentions(e, "grad", "args[0]", "Double", "NDArray.scalar");
    }

    @Test
    void gradErrorsNameGradNotValueAndGrad() {
        ShapeError e = assertThrows(ShapeError.class, () -> Nabla.grad((NDArray v) -> v.mul(2)).apply(X));
        assertMentions(e, "grad:", "f64[3]");
        assertTrue(!e.getMessage().startsWith("valueAndGrad"), e.getMessage());
    }

    @Test
    void reverseModeThroughAnUnboundedWhileLoopIsANablaException() {
        var g = Nabla.grad((NDArray v) -> Nabla.whileLoop((NDArray u) -> u.sum().lt(10), (NDArray u) -> u.mul(2), v).sum());
        NablaException e = assertThrows(NablaException.class, () -> g.apply(X.add(1)));
        assertMentions(e, "while", "maxSteps");
    }

    // ---- numpy semantics ----

    @Test
    void clipOfAnIntegerArrayWithIntegerBoundsStaysInteger() {
        NDArray clipped = Np.clip(NDArray.of(1, 5, 9), 2, 6);
        assertEquals(DType.I32, clipped.dtype());
        assertArrayEquals(new int[] {2, 5, 6}, clipped.toIntArray());
        assertEquals(DType.F32, Np.clip(NDArray.of(1, 5, 9), 2.5, 6.5).dtype());
        assertEquals(DType.F32, Np.clip(NDArray.of(1f, 5f, 9f), 2, 6).dtype());
    }

    @Test
    void maxMinAndArgmaxOfBoolsWorkAsInNumPy() {
        NDArray mask = NDArray.of(false, true, true, false).reshape(2, 2);
        assertClose(NDArray.scalar(true), mask.max());
        assertClose(NDArray.scalar(false), mask.min());
        assertClose(NDArray.of(true, true), Nabla.jit((NDArray m) -> m.max(1)).apply(mask));
        assertClose(NDArray.of(1, 0), mask.argmax(1));
    }

    @Test
    void aJavaIntegerThatDoesNotFitAnI32ArrayIsRefusedNotWrapped() {
        NDArray ints = NDArray.of(1, 2);
        DTypeError e = assertThrows(DTypeError.class, () -> ints.add(3_000_000_000L));
        assertMentions(e, "add", "3000000000", "i32");
        assertThrows(DTypeError.class, () -> Nabla.jit((NDArray v) -> v.mul(-3_000_000_000L)).apply(ints));
        assertClose(NDArray.of(3_000_000_001L, 3_000_000_002L), ints.astype(DType.I64).add(3_000_000_000L));
        assertClose(NDArray.of(2_000_000_001, 2_000_000_002), ints.add(2_000_000_000L));
    }

    @Test
    void maxAndMinOverAnEmptyAxisAreErrorsAsInNumPy() {
        NDArray empty = NDArray.zeros(DType.F32, 0, 5);
        ShapeError e = assertThrows(ShapeError.class, () -> empty.max(0));
        assertMentions(e, "max", "empty");
        assertThrows(ShapeError.class, () -> Np.min(empty));
        assertThrows(ShapeError.class, () -> Nabla.jit((NDArray v) -> v.max(0)).apply(empty));
        assertArrayEquals(new int[] {0}, empty.max(1).shape(), "reducing a non-empty axis of an empty array is fine");
    }
}
