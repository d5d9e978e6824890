package org.nabla4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.nabla4j.Optimizers.Optimizer;
import org.nabla4j.Optimizers.Schedule;

/** {@link Optimizers}: update rules against hand computations, convergence, jit, clipping and schedules. */
class OptimizersTest {
    static final int TRIES = Integer.getInteger("nabla.tries", 60);

    record Params(NDArray w, NDArray b) {}

    record Train<S>(Params params, S state) {}

    static final NDArray TARGET = NDArray.of(1.0, -2.0, 0.5);

    /** A quadratic bowl with its minimum at w = TARGET, b = 2. */
    static NDArray loss(Params p) {
        return p.w().sub(TARGET).square().sum().add(p.b().sub(2).square());
    }

    static Params start() { return new Params(NDArray.of(0.0, 0.0, 0.0), NDArray.scalar(0.0)); }

    /** One jitted step: gradient, update, apply. */
    static <S> Function<Train<S>, Train<S>> jittedStep(Optimizer<S> opt) {
        var grad = Nabla.grad(OptimizersTest::loss);
        return Nabla.jit((Train<S> t) -> {
            var u = opt.update(grad.apply(t.params()), t.state(), t.params());
            return new Train<>(Optimizers.applyUpdates(t.params(), u.updates()), u.state());
        });
    }

    static <S> Params minimize(Optimizer<S> opt, int steps) {
        var step = jittedStep(opt);
        Train<S> t = new Train<>(start(), opt.init(start()));
        for (int i = 0; i < steps; i++) t = step.apply(t);
        return t.params();
    }

    @Nested
    class UpdateRules {
        final double[] g1 = {0.5, -1.0, 2.0}, g2 = {-0.25, 0.75, 1.5};

        Params grads(double[] g, double gb) { return new Params(NDArray.of(g), NDArray.scalar(gb)); }

        @Test
        void adamMatchesAHandComputation() {
            double lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8;
            var opt = Optimizers.adam(lr);
            Params p = start();
            var state = opt.init(p);
            double[] w = new double[3], m = new double[3], v = new double[3];
            double[][] gs = {g1, g2, g1};
            for (int t = 1; t <= 3; t++) {
                var u = opt.update(grads(gs[t - 1], 0), state, p);
                p = Optimizers.applyUpdates(p, u.updates());
                state = u.state();
                for (int i = 0; i < 3; i++) {
                    double g = gs[t - 1][i];
                    m[i] = b1 * m[i] + (1 - b1) * g;
                    v[i] = b2 * v[i] + (1 - b2) * g * g;
                    double mHat = m[i] / (1 - Math.pow(b1, t)), vHat = v[i] / (1 - Math.pow(b2, t));
                    w[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
                }
                assertArrayEquals(w, p.w().toDoubleArray(), 1e-14, "step " + t);
            }
            assertEquals(3, (int) state.count().item());
            assertEquals(DType.F64, p.w().dtype());
        }

        @Test
        void adamWAddsDecoupledWeightDecayToTheAdamDirection() {
            double lr = 0.1, wd = 0.01;
            Params p = new Params(NDArray.of(1.0, 2.0, 3.0), NDArray.scalar(0.0));
            var adam = Optimizers.adam(lr).update(grads(g1, 0), Optimizers.adam(lr).init(p), p).updates();
            var adamw = Optimizers.adamw(lr, wd).update(grads(g1, 0), Optimizers.adamw(lr, wd).init(p), p).updates();
            double[] expected = adam.w().toDoubleArray();
            for (int i = 0; i < 3; i++) expected[i] -= lr * wd * (i + 1);
            assertArrayEquals(expected, adamw.w().toDoubleArray(), 1e-15);
        }

        @Test
        void sgdStepsAgainstTheGradient() {
            var opt = Optimizers.sgd(0.1);
            var u = opt.update(grads(g1, 4), opt.init(start()), start());
            assertArrayEquals(new double[] {-0.05, 0.1, -0.2}, u.updates().w().toDoubleArray(), 1e-16);
            assertEquals(-0.4, u.updates().b().item(), 1e-16);
        }

        @Test
        void momentumAccumulatesVelocityAndNesterovLooksAhead() {
            double lr = 0.1, beta = 0.9;
            var heavy = Optimizers.momentum(lr, beta);
            var nesterov = Optimizers.momentum(Optimizers.constant(lr), beta, true);
            var s1 = heavy.update(grads(g1, 0), heavy.init(start()), start()).state();
            var second = heavy.update(grads(g2, 0), s1, start());
            var n1 = nesterov.update(grads(g1, 0), nesterov.init(start()), start()).state();
            var nesterovSecond = nesterov.update(grads(g2, 0), n1, start());
            for (int i = 0; i < 3; i++) {
                double v = g2[i] + beta * g1[i];
                assertEquals(-lr * v, second.updates().w().toDoubleArray()[i], 1e-15);
                assertEquals(-lr * (g2[i] + beta * v), nesterovSecond.updates().w().toDoubleArray()[i], 1e-15);
            }
        }

        @Test
        void theScheduleIsReadAtTheCountBeforeTheStep() {
            Schedule lr = step -> step.astype(DType.F64).add(1).mul(0.1);   // 0.1, 0.2, ...
            var opt = Optimizers.sgd(lr);
            var first = opt.update(grads(g1, 0), opt.init(start()), start());
            var second = opt.update(grads(g1, 0), first.state(), start());
            assertEquals(-0.1 * g1[0], first.updates().w().toDoubleArray()[0], 1e-16);
            assertEquals(-0.2 * g1[0], second.updates().w().toDoubleArray()[0], 1e-16);
        }

        @Test
        void updatesKeepEachParametersDtype() {
            Map<String, NDArray> p = new LinkedHashMap<>();
            p.put("f32", NDArray.of(1f, 2f));
            p.put("f64", NDArray.of(1.0, 2.0));
            var opt = Optimizers.adam(Optimizers.warmupCosineDecay(0, 1e-2, 5, 50, 0), 0.9, 0.999, 1e-8);
            var u = opt.update(p, opt.init(p), p);
            Map<String, NDArray> next = Optimizers.applyUpdates(p, u.updates());
            assertEquals(DType.F32, next.get("f32").dtype());
            assertEquals(DType.F64, next.get("f64").dtype());
        }

        @Test
        void gradientsOfAnotherShapeAreATreeError() {
            var opt = Optimizers.adam(0.1);
            var state = opt.init(start());
            TreeError e = assertThrows(TreeError.class, () -> opt.update(List.of(NDArray.of(1.0)), state, List.of(NDArray.of(1.0))));
            assertTrue(e.getMessage().contains("adam"), e.getMessage());
        }
    }

    @Nested
    class Convergence {
        static void assertAtTheMinimum(Params p, double tolerance) {
            assertArrayEquals(TARGET.toDoubleArray(), p.w().toDoubleArray(), tolerance);
            assertEquals(2, p.b().item(), tolerance);
        }

        @Test
        void everyOptimizerMinimizesAQuadratic() {
            assertAtTheMinimum(minimize(Optimizers.sgd(0.1), 200), 1e-8);
            assertAtTheMinimum(minimize(Optimizers.momentum(0.05, 0.9), 300), 1e-6);
            assertAtTheMinimum(minimize(Optimizers.momentum(Optimizers.constant(0.05), 0.9, true), 300), 1e-6);
            assertAtTheMinimum(minimize(Optimizers.adam(Optimizers.exponentialDecay(0.1, 100, 0.5, false), 0.9, 0.999, 1e-8), 1000), 1e-3);
            assertAtTheMinimum(minimize(Optimizers.chain(Optimizers.clipByGlobalNorm(1.0), Optimizers.sgd(0.1)), 300), 1e-8);
        }

        @Test
        void adamWSettlesWhereTheGradientBalancesTheDecay() {
            Params p = minimize(Optimizers.adamw(Optimizers.cosineDecay(0.05, 1500, 0), 0.9, 0.999, 1e-8, 1e-3), 1500);
            // Adam's direction is about sign(gradient): the decay moves the minimum by far less than 0.05.
            assertArrayEquals(TARGET.toDoubleArray(), p.w().toDoubleArray(), 0.05);
            assertTrue(loss(p).item() < 1e-3, "loss " + loss(p).item());
        }
    }

    @Nested
    class UnderJit {
        @Test
        void jitOfUpdateEqualsEagerUpdate() {
            List<Optimizer<?>> optimizers = List.of(Optimizers.sgd(0.1), Optimizers.momentum(0.1, 0.9), Optimizers.adam(0.1),
                    Optimizers.adamw(0.1, 0.01), Optimizers.chain(Optimizers.clipByGlobalNorm(0.5), Optimizers.adam(0.01)));
            for (Optimizer<?> opt : optimizers) assertJitMatchesEager(opt);
        }

        <S> void assertJitMatchesEager(Optimizer<S> opt) {
            var grad = Nabla.grad(OptimizersTest::loss);
            var jitted = jittedStep(opt);
            Train<S> eager = new Train<>(start(), opt.init(start())), compiled = eager;
            for (int i = 0; i < 4; i++) {
                var u = opt.update(grad.apply(eager.params()), eager.state(), eager.params());
                eager = new Train<>(Optimizers.applyUpdates(eager.params(), u.updates()), u.state());
                compiled = jitted.apply(compiled);
            }
            assertArrayEquals(eager.params().w().toDoubleArray(), compiled.params().w().toDoubleArray(), 1e-12);
            assertEquals(Trees.leaves(eager.state()).size(), Trees.leaves(compiled.state()).size());
        }

        @Test
        void schedulesGiveTheSameValuesForATracedStep() {
            List<Schedule> schedules = List.of(Optimizers.constant(0.3), Optimizers.exponentialDecay(1, 10, 0.5, true),
                    Optimizers.cosineDecay(2, 40, 0.1), Optimizers.warmupCosineDecay(0, 1, 10, 110, 0.1));
            for (Schedule s : schedules) {
                var traced = Nabla.jit((NDArray step) -> s.at(step));
                qt().withExamples(TRIES).forAll(integers().between(0, 200))
                        .checkAssert(step -> assertEquals(s.at(step), traced.apply(NDArray.scalar(step)).item(), 1e-12));
            }
        }
    }

    @Nested
    class Clipping {
        final List<NDArray> grads = List.of(NDArray.of(3f, 0f), NDArray.of(0f, 4f));   // global norm 5

        @Test
        void globalNormIsTheNormOfAllLeavesTogether() {
            assertEquals(5, Optimizers.globalNorm(grads).item(), 1e-6);
        }

        @Test
        void aLargeGradientIsScaledDownToTheBound() {
            List<NDArray> clipped = Optimizers.clipByGlobalNorm(grads, 1.0);
            assertEquals(1, Optimizers.globalNorm(clipped).item(), 1e-6);
            assertArrayEquals(new float[] {0.6f, 0f}, clipped.get(0).toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {0f, 0.8f}, clipped.get(1).toFloatArray(), 1e-6f);
        }

        @Test
        void aSmallGradientIsUnchanged() {
            List<NDArray> clipped = Optimizers.clipByGlobalNorm(grads, 10.0);
            assertArrayEquals(grads.get(1).toFloatArray(), clipped.get(1).toFloatArray());
        }
    }

    @Nested
    class Schedules {
        @Test
        void exponentialDecayHalvesEveryTransition() {
            Schedule smooth = Optimizers.exponentialDecay(1, 10, 0.5, false), stairs = Optimizers.exponentialDecay(1, 10, 0.5, true);
            assertEquals(0.5, smooth.at(10), 1e-15);
            assertEquals(Math.sqrt(0.5), smooth.at(5), 1e-15);
            assertEquals(0.5, stairs.at(15), 1e-15);
        }

        @Test
        void warmupCosineDecayRisesLinearlyThenFollowsACosineToTheEnd() {
            Schedule s = Optimizers.warmupCosineDecay(0, 1, 10, 110, 0.1);
            assertEquals(0, s.at(0), 1e-15);
            assertEquals(0.5, s.at(5), 1e-15);
            assertEquals(1, s.at(10), 1e-15);
            assertEquals(0.55, s.at(60), 1e-15);   // halfway through the decay: end + (peak - end) / 2
            assertEquals(0.1, s.at(110), 1e-15);
            assertEquals(0.1, s.at(500), 1e-15);
        }

        @Test
        void cosineDecayEndsAtAlphaTimesInit() {
            Schedule s = Optimizers.cosineDecay(2, 40, 0.1);
            assertEquals(2, s.at(0), 1e-15);
            assertEquals(0.2, s.at(40), 1e-15);
            assertEquals(0.2, s.at(41), 1e-15);
        }
    }
}
