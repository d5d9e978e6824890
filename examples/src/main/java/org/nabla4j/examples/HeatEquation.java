package org.nabla4j.examples;

import java.io.PrintStream;
import java.util.function.UnaryOperator;
import org.nabla4j.DType;
import org.nabla4j.NDArray;
import org.nabla4j.Nabla;
import org.nabla4j.Np;
import org.nabla4j.ir.Backend;

/**
 * A hot numeric function compiled at runtime: explicit time steps of the heat equation
 * {@code u_t = alpha (u_xx + u_yy)} on a square plate whose edges are held at 0, with the five-point
 * stencil. The same Java function runs eagerly (one operation at a time) and under {@code jit} (traced
 * once, simplified and compiled to bytecode, or for comparison run by the IR interpreter); all give the
 * same temperatures, and the program prints the times.
 *
 * <pre>
 * mvn -q -pl examples -am compile exec:exec -Dmain=org.nabla4j.examples.HeatEquation
 * mvn -q -pl examples -am compile exec:exec -Dmain=org.nabla4j.examples.HeatEquation -Dargs="512 200"   # grid size, steps
 * </pre>
 */
public final class HeatEquation {
    /** {@code alpha dt / dx^2}; explicit Euler is stable up to 1/4 in two dimensions. */
    static final double R = 0.2;

    record Timing(NDArray result, double millisPerStep) {}

    private HeatEquation() {}

    /** One step: {@code u + R * (up + down + left + right - 4u)}, with zero temperature outside the plate. */
    static NDArray step(NDArray u) {
        int n = u.shape()[0], m = u.shape()[1];
        NDArray p = Np.pad(u, new int[][] {{1, 1}, {1, 1}}, 0);
        NDArray up = p.slice(0, 0, n).slice(1, 1, m + 1), down = p.slice(0, 2, n + 2).slice(1, 1, m + 1);
        NDArray left = p.slice(0, 1, n + 1).slice(1, 0, m), right = p.slice(0, 1, n + 1).slice(1, 2, m + 2);
        NDArray laplacian = up.add(down).add(left).add(right).sub(u.mul(4));
        return u.add(laplacian.mul(R));
    }

    /** A plate at 0 with a hot square (temperature 100) in its centre, as f32. */
    static NDArray initial(int size) {
        float[] t = new float[size * size];
        for (int i = size * 3 / 8; i < size * 5 / 8; i++) {
            for (int j = size * 3 / 8; j < size * 5 / 8; j++) t[i * size + j] = 100;
        }
        return NDArray.of(t, size, size);
    }

    /** Runs {@code steps} steps of {@code f} from {@code u0} and times them (after one warm-up call that is not counted). */
    static Timing run(UnaryOperator<NDArray> f, NDArray u0, int steps) {
        f.apply(u0);
        long t0 = System.nanoTime();
        NDArray u = u0;
        for (int i = 0; i < steps; i++) u = f.apply(u);
        return new Timing(u, (System.nanoTime() - t0) / 1e6 / steps);
    }

    static void compare(int size, int steps, PrintStream out) {
        NDArray u0 = initial(size);
        out.printf("heat equation on a %dx%d plate, %d explicit steps (r = %.2f), f32%n", size, size, steps, R);

        Timing eager = run(HeatEquation::step, u0, steps);
        out.printf("eager, one operation at a time:   %8.3f ms per step%n", eager.millisPerStep());
        Timing compiled = timeJit(u0, steps, "jit, compiled to bytecode:       ", out);
        Backend compiler = Nabla.config().backend();
        Nabla.config().useInterpreter();
        Timing interpreted = timeJit(u0, steps, "jit, run by the IR interpreter:  ", out);
        Nabla.config().backend(compiler);

        double difference = Math.max(maxDifference(eager, compiled), maxDifference(eager, interpreted));
        out.printf("speed-up of compiled jit over eager: %.1fx; largest difference between the three results: %.2e%n",
                eager.millisPerStep() / compiled.millisPerStep(), difference);
        out.printf("heat on the plate: %.1f at the start, %.1f at the end; hottest point %.2f%n", u0.astype(DType.F64).sum().item(),
                eager.result().astype(DType.F64).sum().item(), eager.result().max().item());
    }

    /** A fresh {@code jit(step)} under the configured backend: its first call (trace and compile) and its time per step. */
    private static Timing timeJit(NDArray u0, int steps, String label, PrintStream out) {
        var jitted = Nabla.jit(HeatEquation::step);
        long t0 = System.nanoTime();
        jitted.apply(u0);
        double firstCall = (System.nanoTime() - t0) / 1e6;
        Timing t = run(jitted::apply, u0, steps);
        out.printf("%s %8.3f ms per step (first call, with tracing and compiling: %.0f ms)%n", label, t.millisPerStep(), firstCall);
        return t;
    }

    private static double maxDifference(Timing a, Timing b) {
        return a.result().sub(b.result()).abs().max().item();
    }

    public static void main(String[] args) {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        compare(size, steps, System.out);
    }
}
