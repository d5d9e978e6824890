package org.nabla4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every user error ends in a NablaException that names the operation, the types and the user's line. */
class ErrorsTest {
    private static void assertMentions(Throwable e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), () -> "message lacks '" + p + "': " + e.getMessage());
        }
        assertTrue(e.getMessage().contains("ErrorsTest.java:"), () -> "message lacks the user's line: " + e.getMessage());
    }

    @Test
    void addOfShapesThatDoNotBroadcast() {
        NDArray a = NDArray.zeros(DType.F32, 3, 4), b = NDArray.zeros(DType.F32, 5);
        ShapeError e = assertThrows(ShapeError.class, () -> a.add(b));
        assertMentions(e, "add", "f32[3,4]", "f32[5]");
    }

    @Test
    void matmulOfShapesThatDoNotAlign() {
        NDArray a = NDArray.zeros(DType.F32, 3, 4), b = NDArray.zeros(DType.F32, 5, 6);
        ShapeError e = assertThrows(ShapeError.class, () -> a.matmul(b));
        assertMentions(e, "matmul", "f32[3,4]", "f32[5,6]", "4", "5");
    }

    @Test
    void matmulMismatchInsideJitNamesTheUserLine() {
        var f = Nabla.jit((NDArray x) -> x.matmul(x));
        ShapeError e = assertThrows(ShapeError.class, () -> f.apply(NDArray.zeros(DType.F32, 2, 3)));
        assertMentions(e, "matmul", "f32[2,3]");
        assertTrue(e.userFrame().contains("lambda"), e.userFrame());
    }

    @Test
    void axisOutOfRange() {
        NDArray a = NDArray.zeros(DType.F32, 3, 4);
        ShapeError e = assertThrows(ShapeError.class, () -> a.sum(2));
        assertMentions(e, "sum", "axis 2", "f32[3,4]");
        assertThrows(ShapeError.class, () -> a.sum(-3));
        assertMentions(assertThrows(ShapeError.class, () -> Np.softmax(a, 5)), "softmax", "axis 5");
    }

    @Test
    void sinOfBool() {
        NDArray mask = NDArray.of(true, false);
        DTypeError e = assertThrows(DTypeError.class, () -> mask.sin());
        assertMentions(e, "sin", "bool[2]");
    }

    @Test
    void itemOfATracedValueIsAConcretizationError() {
        var f = Nabla.jit((NDArray x) -> x.sum().item() > 0 ? x : x.neg());
        ConcretizationError e = assertThrows(ConcretizationError.class, () -> f.apply(NDArray.of(1f, 2f)));
        assertMentions(e, "item", "f32[]", "Np.where", "Nabla.cond");
    }

    @Test
    void toFloatArrayOfATracedValueIsAConcretizationError() {
        var f = Nabla.jit((NDArray x) -> NDArray.of(x.toFloatArray()));
        ConcretizationError e = assertThrows(ConcretizationError.class, () -> f.apply(NDArray.of(1f, 2f)));
        assertMentions(e, "toFloatArray", "f32[2]");
    }

    @Test
    void aTracerUsedAfterItsTraceEndedIsALeak() {
        List<NDArray> leaked = new ArrayList<>();
        var f = Nabla.jit((NDArray x) -> {
            leaked.add(x.mul(2));
            return x;
        });
        f.apply(NDArray.of(1f));
        TracerLeakError e = assertThrows(TracerLeakError.class, () -> leaked.getFirst().add(1));
        assertMentions(e, "add", "escaped");
        assertThrows(TracerLeakError.class, () -> leaked.getFirst().item());
    }

    @Test
    void mapOverTreesOfDifferentStructure() {
        record Pair(NDArray a, NDArray b) {}
        Object one = List.of(NDArray.of(1f), NDArray.of(2f));
        Object other = List.of(NDArray.of(1f));
        TreeError e = assertThrows(TreeError.class, () -> Trees.map((x, y) -> x.add(y), one, other));
        assertMentions(e, "structure");
        var flat = Trees.flatten(new Pair(NDArray.of(1f), NDArray.of(2f)));
        assertMentions(assertThrows(TreeError.class, () -> Trees.unflatten(flat.def(), List.of(NDArray.of(1f)))), "2 leaves");
    }

    @Test
    void unsupportedLeafType() {
        Object tree = Map.of("w", NDArray.of(1f), "name", new StringBuilder("oops"));
        TreeError e = assertThrows(TreeError.class, () -> Trees.flatten(tree));
        assertMentions(e, "StringBuilder", "[\"name\"]");
    }

    @Test
    void reshapeToTheWrongSize() {
        ShapeError e = assertThrows(ShapeError.class, () -> NDArray.zeros(DType.F32, 6).reshape(4, 2));
        assertMentions(e, "reshape", "f32[6]", "[4, 2]");
    }

    @Test
    void everyErrorIsANablaException() {
        assertEquals(NablaException.class, ShapeError.class.getSuperclass());
        assertEquals(NablaException.class, DTypeError.class.getSuperclass());
        assertEquals(NablaException.class, ConcretizationError.class.getSuperclass());
        assertEquals(NablaException.class, TracerLeakError.class.getSuperclass());
        assertEquals(NablaException.class, TreeError.class.getSuperclass());
    }
}
