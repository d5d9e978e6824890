package org.nabla4j.examples;

import org.nabla4j.NDArray;
import org.nabla4j.Nabla;
import org.nabla4j.ScanStep;

/**
 * Predators and prey (Lotka–Volterra), integrated with fourth-order Runge–Kutta inside one
 * {@code Nabla.scan}, and the gradient of the final populations with respect to the four rate
 * parameters: reverse mode through 1,000 steps of a loop, checked against finite differences.
 *
 * <pre>
 *   prey'     = alpha * prey - beta * prey * predator
 *   predator' = delta * prey * predator - gamma * predator
 * </pre>
 */
public final class LotkaVolterra {
    static final int STEPS = 1000;
    static final double DT = 0.01;

    private LotkaVolterra() {}

    /** d(state)/dt for state = [prey, predator] and params = [alpha, beta, delta, gamma]. */
    static NDArray rates(NDArray state, NDArray params) {
        NDArray prey = state.get(0), predator = state.get(1);
        NDArray alpha = params.get(0), beta = params.get(1), delta = params.get(2), gamma = params.get(3);
        NDArray dPrey = alpha.mul(prey).sub(beta.mul(prey).mul(predator));
        NDArray dPredator = delta.mul(prey).mul(predator).sub(gamma.mul(predator));
        return org.nabla4j.Np.stack(dPrey, dPredator);
    }

    static NDArray rk4Step(NDArray s, NDArray params) {
        NDArray k1 = rates(s, params);
        NDArray k2 = rates(s.add(k1.mul(DT / 2)), params);
        NDArray k3 = rates(s.add(k2.mul(DT / 2)), params);
        NDArray k4 = rates(s.add(k3.mul(DT)), params);
        return s.add(k1.add(k2.mul(2)).add(k3.mul(2)).add(k4).mul(DT / 6));
    }

    /** The trajectory: final state and every step's state, stacked (STEPS, 2). */
    static ScanStep<NDArray, NDArray> integrate(NDArray params, NDArray initial) {
        return Nabla.scan((NDArray s, Object unused) -> {
            NDArray next = rk4Step(s, params);
            return new ScanStep<>(next, next);
        }, initial, null, STEPS, false);
    }

    /** The quantity we differentiate: the sum of the final populations. */
    static NDArray finalTotal(NDArray params, NDArray initial) {
        return integrate(params, initial).carry().sum();
    }

    public static void main(String[] args) {
        NDArray params = NDArray.of(1.1, 0.4, 0.1, 0.4);
        NDArray initial = NDArray.of(10.0, 5.0);
        var trajectory = Nabla.jit(LotkaVolterra::integrate);
        ScanStep<NDArray, NDArray> run = trajectory.apply(params, initial);
        double[] ys = run.y().toDoubleArray();
        double maxPrey = 0, maxPredator = 0;
        for (int i = 0; i < STEPS; i++) {
            maxPrey = Math.max(maxPrey, ys[2 * i]);
            maxPredator = Math.max(maxPredator, ys[2 * i + 1]);
        }
        System.out.printf("Lotka-Volterra, RK4, %d steps of %.2f (t = %.0f) in one scan%n", STEPS, DT, STEPS * DT);
        System.out.printf("  start: prey %.3f, predators %.3f%n", initial.toDoubleArray()[0], initial.toDoubleArray()[1]);
        System.out.printf("  end:   prey %.3f, predators %.3f   (peaks: prey %.2f, predators %.2f)%n",
                run.carry().toDoubleArray()[0], run.carry().toDoubleArray()[1], maxPrey, maxPredator);

        var gradient = Nabla.jit(Nabla.grad(LotkaVolterra::finalTotal));
        long t0 = System.nanoTime();
        double[] g = gradient.apply(params, initial).toDoubleArray();
        double ms = (System.nanoTime() - t0) / 1e6;
        double[] fd = finiteDifferences(params, initial);
        String[] names = {"alpha", "beta", "delta", "gamma"};
        System.out.printf("%nd(prey + predators at the end) / d(parameter), reverse mode through the scan (%.0f ms with compilation):%n", ms);
        for (int i = 0; i < 4; i++) {
            System.out.printf("  %-6s %12.6f   finite differences %12.6f%n", names[i], g[i], fd[i]);
        }
    }

    static double[] finiteDifferences(NDArray params, NDArray initial) {
        double[] p = params.toDoubleArray();
        double[] out = new double[p.length];
        double h = 1e-6;
        for (int i = 0; i < p.length; i++) {
            double[] plus = p.clone(), minus = p.clone();
            plus[i] += h;
            minus[i] -= h;
            out[i] = (finalTotal(NDArray.of(plus), initial).item() - finalTotal(NDArray.of(minus), initial).item()) / (2 * h);
        }
        return out;
    }
}
