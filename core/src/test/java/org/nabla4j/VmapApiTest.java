package org.nabla4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** {@link Nabla#vmap}: axis specs, pytrees, axis sizes and the errors a user can make. */
class VmapApiTest {
    record Batch(NDArray x, NDArray y) {}

    record Stats(NDArray mean, NDArray max) {}

    /** The oracle: f on each batch element, stacked along {@code outAxis}. */
    static NDArray loop(int size, IntFunction<NDArray> perElement, int outAxis) {
        List<NDArray> results = new ArrayList<>();
        for (int i = 0; i < size; i++) results.add(perElement.apply(i));
        return Np.stack(results, outAxis);
    }

    static void assertSameArray(NDArray expected, NDArray actual) {
        assertArrayEquals(expected.shape(), actual.shape(), "shape");
        assertEquals(expected.dtype(), actual.dtype(), "dtype");
        assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray(), 1e-6);
    }

    static NDArray arange(int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return NDArray.arange(n).astype(DType.F32).mul(0.25).reshape(shape);
    }

    private static void assertMentions(Throwable e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), () -> "message lacks '" + p + "': " + e.getMessage());
        assertTrue(e instanceof NablaException, () -> e.getClass() + " is not a NablaException");
        assertTrue(e.getMessage().contains("VmapApiTest.java:"), () -> "message lacks the user's line: " + e.getMessage());
    }

    @Test
    void mapsOverAxisZeroAndStacksAlongAxisZeroByDefault() {
        NDArray xs = arange(4, 3);
        NDArray out = Nabla.vmap((NDArray x) -> x.mul(x).sum()).apply(xs);
        assertSameArray(loop(4, i -> Np.take(xs, i, 0).mul(Np.take(xs, i, 0)).sum(), 0), out);
    }

    @Test
    void inAndOutAxesMayBeNegative() {
        NDArray xs = arange(3, 4, 2);
        var f = Nabla.vmap((NDArray x) -> Np.cumsum(x, 1), InAxes.of(-1), OutAxes.of(-2));
        assertSameArray(loop(2, i -> Np.cumsum(Np.take(xs, i, -1), 1), 1), f.apply(xs));
    }

    @Test
    void unmappedArgumentsAreSharedByEveryBatchElement() {
        NDArray xs = arange(5, 3), w = arange(3, 2);
        var f = Nabla.vmap((NDArray x, NDArray m) -> x.matmul(m), InAxes.of(0, null));
        assertSameArray(loop(5, i -> Np.take(xs, i, 0).matmul(w), 0), f.apply(xs, w));
    }

    @Test
    void aResultThatDoesNotDependOnTheMappedArgumentIsBroadcastAlongItsOutAxis() {
        NDArray xs = arange(3, 2), c = arange(2);
        var f = Nabla.vmap((NDArray x, NDArray k) -> k.mul(2), InAxes.of(0, null), OutAxes.of(1));
        assertSameArray(loop(3, i -> c.mul(2), 1), f.apply(xs, c));
    }

    @Test
    void aNullOutAxisReturnsAnUnmappedResultOnce() {
        NDArray xs = arange(3, 2), c = arange(2);
        var f = Nabla.vmap((NDArray x, NDArray k) -> List.of(x.sum(), k.exp()), InAxes.of(0, null), OutAxes.of(OutAxes.list(0, null)));
        List<NDArray> out = f.apply(xs, c);
        assertSameArray(xs.sum(1), out.get(0));
        assertSameArray(c.exp(), out.get(1));
    }

    @Test
    void axisSizeBatchesAFunctionWhoseArgumentsAreAllShared() {
        NDArray c = arange(2);
        var f = Nabla.vmap((NDArray k) -> k.add(1), InAxes.all(null), OutAxes.of(0), 3);
        assertSameArray(loop(3, i -> c.add(1), 0), f.apply(c));
    }

    @Test
    void recordArgumentsTakeAnAxisPerField() {
        Batch b = new Batch(arange(2, 4), arange(2));
        var f = Nabla.vmap((Batch batch) -> batch.x().mul(batch.y()).sum(), InAxes.of(InAxes.fields("x", 1, "y", null)));
        assertSameArray(loop(4, i -> Np.take(b.x(), i, 1).mul(b.y()).sum(), 0), f.apply(b));
    }

    @Test
    void listAndMapArgumentsTakeASpecPerElement() {
        NDArray a = arange(3, 2), c = arange(2, 3);
        var onList = Nabla.vmap((List<NDArray> l) -> l.get(0).add(l.get(1)), InAxes.of(InAxes.list(0, 1)));
        assertSameArray(loop(3, i -> Np.take(a, i, 0).add(Np.take(c, i, 1)), 0), onList.apply(List.of(a, c)));
        var onMap = Nabla.vmap((Map<String, NDArray> m) -> m.get("a").sub(m.get("b")), InAxes.of(InAxes.fields("a", 0, "b", null)));
        NDArray shared = arange(2);
        assertSameArray(loop(3, i -> Np.take(a, i, 0).sub(shared), 0), onMap.apply(Map.of("a", a, "b", shared)));
    }

    @Test
    void pytreeResultsTakeAnOutAxisPerField() {
        NDArray xs = arange(3, 4);
        var f = Nabla.vmap((NDArray x) -> new Stats(x.mean(), x.max().reshape(1)), InAxes.of(0), OutAxes.of(OutAxes.fields("mean", 0, "max", -1)));
        Stats s = f.apply(xs);
        assertSameArray(xs.mean(1), s.mean());
        assertSameArray(xs.max(1).reshape(1, 3), s.max());
    }

    @Test
    void staticArgumentsPassThrough() {
        NDArray xs = arange(3, 2);
        var f = Nabla.vmap((NDArray x, String how) -> how.equals("sum") ? x.sum() : x.max(), InAxes.of(0, null));
        assertSameArray(xs.sum(1), f.apply(xs, "sum"));
    }

    @Test
    void inconsistentSizesNameTheArgumentsAndTheirSizes() {
        var f = Nabla.vmap((NDArray a, Batch b) -> a.add(b.x()), InAxes.of(0, InAxes.fields("x", 1, "y", null)));
        ShapeError e = assertThrows(ShapeError.class, () -> f.apply(arange(3, 2), new Batch(arange(2, 4), arange(1))));
        assertMentions(e, "args[0] has size 3 along axis 0", "args[1].x has size 4 along axis 1");
    }

    @Test
    void axisSizeMustAgreeWithTheMappedAxes() {
        var f = Nabla.vmap((NDArray a) -> a, InAxes.of(0), OutAxes.of(0), 5);
        assertMentions(assertThrows(ShapeError.class, () -> f.apply(arange(3))), "args[0] has size 3", "axisSize is 5");
    }

    @Test
    void withNothingMappedTheBatchSizeMustBeGiven() {
        var f = Nabla.vmap((NDArray a) -> a, InAxes.all(null));
        assertMentions(assertThrows(ShapeError.class, () -> f.apply(arange(3))), "no argument is mapped", "axisSize");
    }

    @Test
    void anAxisOutOfRangeIsAShapeError() {
        assertMentions(assertThrows(ShapeError.class, () -> Nabla.vmap((NDArray a) -> a, InAxes.of(2)).apply(arange(3, 2))),
                "in_axes 2", "args[0]", "f32[3,2]");
        assertMentions(assertThrows(ShapeError.class, () -> Nabla.vmap((NDArray a) -> a.sum(), InAxes.of(0), OutAxes.of(1)).apply(arange(3, 2))),
                "out_axes 1", "result");
        assertMentions(assertThrows(ShapeError.class, () -> Nabla.vmap((NDArray a) -> a, InAxes.of(0)).apply(NDArray.scalar(1f))),
                "a scalar cannot be mapped");
    }

    @Test
    void aMappedResultCannotHaveANullOutAxis() {
        var f = Nabla.vmap((NDArray a) -> a.exp(), InAxes.of(0), OutAxes.of(null));
        assertMentions(assertThrows(ShapeError.class, () -> f.apply(arange(3))), "out axis cannot be null");
    }

    @Test
    void specsThatDoNotFitTheArgumentsAreTreeErrors() {
        Batch b = new Batch(arange(2), arange(2));
        assertMentions(assertThrows(TreeError.class, () -> Nabla.vmap((Batch x) -> x.x(), InAxes.of(InAxes.fields("x", 0))).apply(b)),
                "args[0]", "[x]", "[x, y]");
        assertMentions(assertThrows(TreeError.class, () -> Nabla.vmap((NDArray x) -> x, InAxes.of(InAxes.list(0))).apply(arange(2))),
                "args[0] is a list");
        assertMentions(assertThrows(TreeError.class, () -> Nabla.vmap((NDArray x, NDArray y) -> x, InAxes.of(0))), "1 entries", "2 argument");
        assertMentions(assertThrows(TreeError.class, () -> InAxes.of("zero")), "in_axes[0]", "zero");
    }

    @Test
    void aResultThatIsAnArgumentComesBackWithItsBatchAxisWhereOutAxesSays() {
        NDArray xs = arange(2, 3);
        NDArray out = Nabla.vmap((NDArray x) -> x, InAxes.of(1), OutAxes.of(0)).apply(xs);
        assertSameArray(xs.T(), out);
        assertSame(DType.F32, out.dtype());
    }
}
