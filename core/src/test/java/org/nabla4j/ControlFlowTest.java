package org.nabla4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.nabla4j.ir.ProgramParser;

/** cond, switchCase, whileLoop, forILoop and scan: against Java loops, differentiated, batched and compiled. */
class ControlFlowTest {
    record Pair(NDArray a, NDArray b) {}

    static NDArray randn(Random r, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = r.nextGaussian();
        return NDArray.of(v, shape);
    }

    @Test
    void condPicksABranchEagerlyAndUnderJit() {
        NDArray bias = NDArray.of(10.0, 20.0);
        Function<NDArray, NDArray> f = x -> Nabla.cond(x.sum().gt(0), v -> v.mul(2).add(bias), v -> v.neg(), x);
        assertArrayEquals(new double[] {12, 22}, f.apply(NDArray.of(1.0, 1.0)).toDoubleArray());
        assertArrayEquals(new double[] {1, 1}, f.apply(NDArray.of(-1.0, -1.0)).toDoubleArray());
        var jf = Nabla.jit(f);
        assertArrayEquals(new double[] {12, 22}, jf.apply(NDArray.of(1.0, 1.0)).toDoubleArray());
        assertArrayEquals(new double[] {1, 1}, jf.apply(NDArray.of(-1.0, -1.0)).toDoubleArray());
        assertEquals(1, jf.cacheStats().traces());
    }

    @Test
    void condBranchesMustAgreeAndThePredicateMustBeAScalar() {
        NDArray x = NDArray.of(1.0, 2.0);
        var e = assertThrows(TreeError.class, () -> Nabla.cond(x.sum().gt(0), v -> v.sum(), v -> v, x));
        assertTrue(e.getMessage().contains("true branch") && e.getMessage().contains("f64[2]"), e.getMessage());
        var e2 = assertThrows(ShapeError.class, () -> Nabla.cond(x.gt(0), v -> v, v -> v, x));
        assertTrue(e2.getMessage().contains("Np.where"), e2.getMessage());
    }

    @Test
    void switchCaseClampsItsIndex() {
        List<Function<NDArray, NDArray>> branches = List.of(v -> v.add(1), v -> v.mul(10), v -> v.neg());
        NDArray x = NDArray.of(2.0);
        for (int i = -2; i < 5; i++) {
            double expected = branches.get(Math.max(0, Math.min(2, i))).apply(x).item();
            assertEquals(expected, Nabla.switchCase(NDArray.scalar(i), branches, x).item());
        }
    }

    @Test
    void whileLoopRunsUntilItsConditionFails() {
        Function<NDArray, NDArray> collatzSteps = n0 -> Nabla.whileLoop(
                (Pair s) -> s.a().gt(1),
                s -> new Pair(Np.where(s.a().mod(2).eq(0), s.a().div(2).astype(DType.I32), s.a().mul(3).add(1)), s.b().add(1)),
                new Pair(n0, NDArray.scalar(0))).b();
        assertEquals(111.0, collatzSteps.apply(NDArray.scalar(27)).item());
        assertEquals(111.0, Nabla.jit(collatzSteps).apply(NDArray.scalar(27)).item());
        var e = assertThrows(ShapeError.class, () -> Nabla.whileLoop((NDArray v) -> v.lt(3), v -> v.add(1.5), NDArray.scalar(0)));
        assertTrue(e.getMessage().contains("f32[]") && e.getMessage().contains("i32[]"), e.getMessage());
    }

    @Test
    void forILoopAndScanMatchJavaLoops() {
        NDArray total = Nabla.forILoop(0, 10, (i, acc) -> acc.add(i.mul(i)), NDArray.scalar(0));
        assertEquals(285.0, total.item());
        NDArray xs = NDArray.of(1.0, 2.0, 3.0, 4.0);
        ScanStep<NDArray, NDArray> r = Nabla.scan((NDArray c, NDArray x) -> new ScanStep<>(c.add(x), c.add(x)), NDArray.scalar(0.0), xs);
        assertEquals(10.0, r.carry().item());
        assertArrayEquals(new double[] {1, 3, 6, 10}, r.y().toDoubleArray());
        ScanStep<NDArray, NDArray> rev = Nabla.scan((NDArray c, NDArray x) -> new ScanStep<>(c.add(x), c), NDArray.scalar(0.0), xs, -1, true);
        assertArrayEquals(new double[] {9, 7, 4, 0}, rev.y().toDoubleArray());
        var jitted = Nabla.jit((NDArray v) -> Nabla.scan((NDArray c, NDArray x) -> new ScanStep<>(c.mul(x), c), NDArray.scalar(1.0), v).y());
        assertArrayEquals(new double[] {1, 1, 2, 6}, jitted.apply(xs).toDoubleArray());
    }

    /** h = tanh(W h + x_t): the RNN of workload W8, small. */
    static NDArray rnn(NDArray w, NDArray xs) {
        NDArray h0 = Np.zerosLike(xs.get(0));
        return Nabla.scan((NDArray h, NDArray x) -> new ScanStep<>(Np.tanh(w.matmul(h).add(x)), (NDArray) null), h0, xs).carry().sum();
    }

    @Test
    void gradientsThroughScanMatchFiniteDifferences() {
        Random r = new Random(3);
        NDArray w = randn(r, 4, 4).mul(0.5), xs = randn(r, 7, 4);
        NDArray g = Nabla.grad((NDArray v) -> rnn(v, xs)).apply(w);
        NDArray gj = Nabla.jit(Nabla.grad((NDArray v) -> rnn(v, xs))).apply(w);
        double[] wv = w.toDoubleArray();
        for (int i = 0; i < wv.length; i++) {
            double[] plus = wv.clone(), minus = wv.clone();
            plus[i] += 1e-6;
            minus[i] -= 1e-6;
            double fd = (rnn(NDArray.of(plus, 4, 4), xs).item() - rnn(NDArray.of(minus, 4, 4), xs).item()) / 2e-6;
            assertEquals(fd, g.toDoubleArray()[i], 1e-7);
            assertEquals(fd, gj.toDoubleArray()[i], 1e-7);
        }
        NDArray gx = Nabla.grad((NDArray v) -> rnn(w, v)).apply(xs);
        assertArrayEquals(new int[] {7, 4}, gx.shape());
    }

    @Test
    void gradientsThroughCondAndBoundedWhile() {
        Function<NDArray, NDArray> f = x -> Nabla.cond(x.get(0).gt(0), v -> v.sin().sum(), v -> v.mul(v).sum(), x);
        NDArray pos = NDArray.of(0.5, 1.0), neg = NDArray.of(-0.5, 1.0);
        assertArrayEquals(pos.cos().toDoubleArray(), Nabla.grad(f).apply(pos).toDoubleArray(), 1e-12);
        assertArrayEquals(neg.mul(2).toDoubleArray(), Nabla.grad(f).apply(neg).toDoubleArray(), 1e-12);
        assertArrayEquals(neg.mul(2).toDoubleArray(), Nabla.jit(Nabla.grad(f)).apply(neg).toDoubleArray(), 1e-12);
        // x -> x * 1.5^k where k is the number of steps until x > 10: piecewise linear with slope 1.5^k
        Function<NDArray, NDArray> grow = x -> Nabla.whileLoop((NDArray v) -> v.lt(10), v -> v.mul(1.5), x, 50);
        assertEquals(Math.pow(1.5, 6), Nabla.grad(grow).apply(NDArray.scalar(1.0)).item(), 1e-12);
        var e = assertThrows(NablaException.class,
                () -> Nabla.grad((NDArray x) -> Nabla.whileLoop((NDArray v) -> v.lt(10), v -> v.mul(1.5), x)).apply(NDArray.scalar(1.0)));
        assertTrue(e.getMessage().contains("maxSteps"), e.getMessage());
        assertEquals(Math.pow(1.5, 6), Nabla.jvp((NDArray x) -> Nabla.whileLoop((NDArray v) -> v.lt(10), v -> v.mul(1.5), x),
                NDArray.scalar(1.0), NDArray.scalar(1.0)).tangent().item(), 1e-12);
    }

    @Test
    void vmapOfControlFlowWithBatchedPredicatesMatchesTheLoop() {
        NDArray xs = NDArray.of(-2.0, -0.5, 0.5, 3.0);
        Function<NDArray, NDArray> f = x -> Nabla.cond(x.gt(0), v -> v.sqrt(), v -> v.mul(v), x);
        Function<NDArray, NDArray> g = x -> Nabla.whileLoop((NDArray v) -> v.lt(5), v -> v.add(1.5), x);
        Function<NDArray, NDArray> h = x -> Nabla.scan((NDArray c, NDArray t) -> new ScanStep<>(c.mul(t), c), x, NDArray.of(1.0, 2.0, 3.0)).carry();
        for (Function<NDArray, NDArray> fn : List.of(f, g, h)) {
            NDArray batched = Nabla.vmap(fn).apply(xs);
            for (int i = 0; i < 4; i++) assertEquals(fn.apply(xs.get(i)).item(), batched.toDoubleArray()[i], 1e-12);
            assertArrayEquals(batched.toDoubleArray(), Nabla.jit(Nabla.vmap(fn)).apply(xs).toDoubleArray(), 1e-12);
        }
    }

    @Test
    void controlFlowProgramsPrintAndParseBack() {
        Jaxpr j = Nabla.makeJaxpr((NDArray x) -> Nabla.scan((NDArray c, NDArray t) -> new ScanStep<>(
                Nabla.cond(t.gt(0), v -> v.add(t), v -> v, c), c), x.sum(), x).y(), NDArray.of(1.0, -2.0));
        assertTrue(j.toString().contains("scan[body={ lambda"), j.toString());
        assertEquals(j.program(), ProgramParser.parse(j.toString()));
    }
}
