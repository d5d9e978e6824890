package org.nabla4j.examples;

import static org.nabla4j.Np.logSumExp;
import static org.nabla4j.Np.takeAlongAxis;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.nabla4j.DType;
import org.nabla4j.NDArray;
import org.nabla4j.Nabla;
import org.nabla4j.Np;
import org.nabla4j.ValueAndGrad;

/**
 * Newton's method for L2-regularized multinomial logistic regression on the wine data (178 wines,
 * 13 standardized features, 3 cultivars), in f64: each step solves {@code H d = g} with the exact
 * Hessian from {@code Nabla.hessian} and backtracks along {@code -d} until the loss decreases enough.
 * The loss is strictly convex, so the iteration converges quadratically: the gradient norm falls
 * below 1e-8 within a handful of steps.
 *
 * <pre>
 * mvn -q -pl examples -am compile exec:exec -Dmain=org.nabla4j.examples.NewtonLogistic
 * </pre>
 */
public final class NewtonLogistic {
    static final double L2 = 1e-2;
    static final double TOLERANCE = 1e-8;
    static final int MAX_ITERATIONS = 15;

    /** One Newton iteration: the loss and gradient norm where it started, and the step length taken. */
    record Iteration(int number, double loss, double gradientNorm, double stepLength) {}

    record Result(NDArray theta, List<Iteration> iterations, double gradientNorm, double accuracy) {}

    private NewtonLogistic() {}

    /** Mean cross-entropy of a linear softmax model with parameters {@code theta} (a flat f64 vector) plus {@code L2/2 |theta|^2}. */
    static Function<NDArray, NDArray> loss(NDArray x, NDArray y, int classes) {
        NDArray withBias = Np.concatenate(List.of(x, NDArray.ones(DType.F64, x.shape()[0], 1)), 1);
        return theta -> {
            NDArray logits = withBias.matmul(theta.reshape(withBias.shape()[1], classes));
            NDArray crossEntropy = logSumExp(logits, 1).sub(takeAlongAxis(logits, y, 1)).mean();
            return crossEntropy.add(theta.mul(theta).sum().mul(L2 / 2));
        };
    }

    static Result fit(LabeledData data, PrintStream out) {
        int classes = data.classNames().size();
        Function<NDArray, NDArray> loss = loss(data.x(), data.y(), classes);
        var valueAndGrad = Nabla.jit(Nabla.valueAndGrad(loss));
        var hessian = Nabla.jit(Nabla.hessian(loss));
        NDArray theta = NDArray.zeros(DType.F64, (data.features() + 1) * classes);
        out.printf("wine: %d samples, %d features, %d classes; %d parameters, L2 %.0e%n", data.size(), data.features(), classes, theta.size(), L2);
        out.println("iter       loss          |grad|      step");
        List<Iteration> iterations = new ArrayList<>();
        ValueAndGrad<NDArray> vg = valueAndGrad.apply(theta);
        for (int k = 0; k < MAX_ITERATIONS && Np.norm(vg.grad()).item() >= TOLERANCE; k++) {
            double[] direction = Cholesky.solve(hessian.apply(theta).toDoubleArray2D(), vg.grad().toDoubleArray());
            NDArray d = NDArray.of(direction);
            // Backtracking (Armijo): halve the step until the loss falls by a fraction of the predicted decrease.
            double slope = vg.grad().dot(d).item(), t = 1;
            ValueAndGrad<NDArray> next = valueAndGrad.apply(theta.sub(d));
            while (next.value().item() > vg.value().item() - 1e-4 * t * slope) {
                t /= 2;
                next = valueAndGrad.apply(theta.sub(d.mul(t)));
            }
            iterations.add(new Iteration(k, vg.value().item(), Np.norm(vg.grad()).item(), t));
            out.printf("%4d  %.12f  %.3e  %.3g%n", k, vg.value().item(), Np.norm(vg.grad()).item(), t);
            theta = theta.sub(d.mul(t));
            vg = next;
        }
        double gradientNorm = Np.norm(vg.grad()).item();
        out.printf("%4d  %.12f  %.3e%n", iterations.size(), vg.value().item(), gradientNorm);
        NDArray withBias = Np.concatenate(List.of(data.x(), NDArray.ones(DType.F64, data.size(), 1)), 1);
        NDArray predicted = withBias.matmul(theta.reshape(data.features() + 1, classes)).argmax(1);
        double accuracy = predicted.eq(data.y()).astype(DType.F64).mean().item();
        return new Result(theta, iterations, gradientNorm, accuracy);
    }

    public static void main(String[] args) {
        Result r = fit(LabeledData.wine().standardized(), System.out);
        System.out.printf("%ngradient norm %.2e after %d Newton steps (tolerance %.0e); training accuracy %.3f%n", r.gradientNorm(),
                r.iterations().size(), TOLERANCE, r.accuracy());
    }
}
