package org.nabla4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.nabla4j.VmapApiTest.arange;
import static org.nabla4j.VmapApiTest.assertSameArray;
import static org.nabla4j.VmapApiTest.loop;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.Test;

/**
 * vmap composes: with random functions and random axes it equals the loop; nested it equals the
 * double loop; it runs inside jit and jit runs inside it; it differentiates and is differentiated.
 */
class VmapCompositionTest {
    static final int TRIES = Integer.getInteger("nabla.tries", 60);

    /** An axis spec for an argument of rank 2 from k in [0, 5): -2 to 1, or null. */
    private static Integer inAxis(int k) {
        return k == 4 ? null : k - 2;
    }

    private static NDArray batchOf(Random r, Integer axis, int size, int rows, int cols) {
        if (axis == null) return JitMatchesEagerTest.randomArray(r, rows, cols);
        return loop(size, i -> JitMatchesEagerTest.randomArray(r, rows, cols), axis < 0 ? axis + 3 : axis);
    }

    private static NDArray element(NDArray batch, Integer axis, int i) {
        return axis == null ? batch : Np.take(batch, i, axis < 0 ? axis + 3 : axis);
    }

    @Test
    void vmapOfARandomFunctionEqualsTheLoopForRandomAxes() {
        qt().withExamples(TRIES).forAll(longs().all(), integers().between(1, 3), integers().between(0, 149)).checkAssert((seed, size, axes) -> {
            Random r = new Random(seed);
            Integer ax = inAxis(axes % 5), ay = inAxis(axes / 5 % 5);
            int out = axes / 25 - 3;
            NDArray xs = batchOf(r, ax, size, 3, 2), ys = batchOf(r, ay, size, 3, 2);
            BinaryOperator<NDArray> f = JitMatchesEagerTest.randomFunction(seed);
            NDArray expected = loop(size, i -> f.apply(element(xs, ax, i), element(ys, ay, i)), out < 0 ? out + 3 : out);
            NDArray actual = Nabla.vmap(f, InAxes.of(ax, ay), OutAxes.of(out), size).apply(xs, ys);
            assertSameArray(expected, actual);
        });
    }

    @Test
    void nestedVmapEqualsTheDoubleLoop() {
        qt().withExamples(TRIES).forAll(longs().all(), integers().between(1, 3), integers().between(1, 3)).checkAssert((seed, outer, inner) -> {
            Random r = new Random(seed);
            BinaryOperator<NDArray> f = JitMatchesEagerTest.randomFunction(seed);
            NDArray xs = JitMatchesEagerTest.randomArray(r, outer * inner * 3, 2).reshape(outer, inner, 3, 2);
            NDArray y = JitMatchesEagerTest.randomArray(r, 3, 2);
            // inner vmap over axis 0 of each x, sharing y; outer vmap over axis 0 of xs, results stacked on axis 1
            var batched = Nabla.vmap((NDArray x) -> Nabla.vmap((NDArray xi) -> f.apply(xi, y)).apply(x), InAxes.of(0), OutAxes.of(1));
            NDArray expected = loop(outer, i -> loop(inner, j -> f.apply(Np.take(Np.take(xs, i, 0), j, 0), y), 0), 1);
            assertSameArray(expected, batched.apply(xs));
        });
    }

    @Test
    void anInnerVmapMayCloseOverTheOuterOnesTracer() {
        NDArray xs = arange(3), ys = arange(4);
        NDArray outer = Nabla.vmap((NDArray x) -> Nabla.vmap((NDArray y) -> x.mul(y)).apply(ys)).apply(xs);
        assertSameArray(Np.outer(xs, ys), outer);
    }

    @Test
    void jitOfVmapTracesOnceAndEqualsVmap() {
        NDArray xs = arange(4, 3), w = arange(3, 2);
        var perRow = Nabla.vmap((NDArray x, NDArray m) -> Np.tanh(x.matmul(m)), InAxes.of(0, null));
        var jitted = Nabla.jit(perRow);
        assertSameArray(perRow.apply(xs, w), jitted.apply(xs, w));
        assertSameArray(perRow.apply(xs, w), jitted.apply(xs, w));
        assertEquals(1, jitted.cacheStats().misses());
    }

    @Test
    void vmapOfJitInlinesTheJittedProgram() {
        NDArray xs = arange(4, 3);
        var jitted = Nabla.jit((NDArray x) -> Np.softmax(x, -1));
        assertSameArray(loop(4, i -> Np.softmax(Np.take(xs, i, 0), -1), 0), Nabla.vmap(jitted).apply(xs));
    }

    @Test
    void vmapOfGradGivesPerExampleGradients() {
        NDArray w = arange(3).sub(0.3), xs = arange(5, 3).sub(1);
        BiFunction<NDArray, NDArray, NDArray> grad = Nabla.grad((NDArray v, NDArray x) -> Np.tanh(x.dot(v)));
        assertSameArray(loop(5, i -> grad.apply(w, Np.take(xs, i, 0)), 0), Nabla.vmap(grad, InAxes.of(null, 0)).apply(w, xs));
    }

    @Test
    void gradOfASummedVmapIsTheSumOfPerExampleGradients() {
        NDArray w = arange(3).sub(0.3), xs = arange(5, 3).sub(1);
        var loss = Nabla.vmap((NDArray v, NDArray x) -> Np.tanh(x.dot(v)), InAxes.of(null, 0));
        NDArray total = Nabla.grad((NDArray v) -> loss.apply(v, xs).sum()).apply(w);
        NDArray perExample = Nabla.vmap(Nabla.grad((NDArray v, NDArray x) -> Np.tanh(x.dot(v))), InAxes.of(null, 0)).apply(w, xs);
        assertSameArray(perExample.sum(0), total);
    }
}
