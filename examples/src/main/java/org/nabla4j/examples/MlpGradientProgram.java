package org.nabla4j.examples;

import static org.nabla4j.Np.logSumExp;
import static org.nabla4j.Np.takeAlongAxis;
import static org.nabla4j.Np.tanh;

import java.util.Random;
import org.nabla4j.DType;
import org.nabla4j.Jaxpr;
import org.nabla4j.NDArray;
import org.nabla4j.Nabla;
import org.nabla4j.ValueAndGrad;
import org.nabla4j.autodiff.Autodiff;
import org.nabla4j.ir.Passes;
import org.nabla4j.ir.Program;

/**
 * The gradient of DESIGN §1's MLP loss on the digits data: how large its program is before and
 * after the IR passes, and how long one {@code jit(valueAndGrad(loss))} call takes.
 */
public final class MlpGradientProgram {
    record Params(NDArray w1, NDArray b1, NDArray w2, NDArray b2) {}
    record Batch(NDArray x, NDArray y) {}

    static NDArray loss(Params p, Batch b) {
        NDArray h = tanh(b.x().matmul(p.w1()).add(p.b1()));
        NDArray logits = h.matmul(p.w2()).add(p.b2());
        return logSumExp(logits, 1).sub(takeAlongAxis(logits, b.y(), 1)).mean();
    }

    private MlpGradientProgram() {}

    /** Arguments: {@code --print} shows the gradient program; {@code --interpreter} runs jit in the IR interpreter. */
    public static void main(String[] args) {
        if (java.util.Arrays.asList(args).contains("--interpreter")) Nabla.config().useInterpreter();
        Digits d = Digits.load();
        Random r = new Random(0);
        int hidden = 32;
        Params p = new Params(normal(r, 0.1, 64, hidden), NDArray.zeros(DType.F32, hidden), normal(r, 0.1, hidden, 10), NDArray.zeros(DType.F32, 10));
        Batch batch = new Batch(d.pixels(), d.labels());

        Jaxpr forward = Nabla.makeJaxpr(MlpGradientProgram::loss, p, batch);
        boolean[] wrtParams = new boolean[forward.program().inputs().size()];
        for (int i = 0; i < 4; i++) wrtParams[i] = true;
        Program raw = Autodiff.vjpUnsimplified(forward.program(), wrtParams);
        Program simplified = Passes.simplify(raw);
        System.out.printf("loss program: %d equations%n", forward.program().equations().size());
        if (java.util.Arrays.asList(args).contains("--print")) System.out.println(simplified);
        System.out.printf("value-and-gradient program: %d equations as emitted, %d after folding, CSE and DCE%n",
                raw.equations().size(), simplified.equations().size());

        var step = Nabla.jit(Nabla.valueAndGrad(MlpGradientProgram::loss));
        long t0 = System.nanoTime();
        ValueAndGrad<Params> first = step.apply(p, batch);
        double firstMs = (System.nanoTime() - t0) / 1e6;
        int reps = 20;
        t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) step.apply(p, batch);
        double perCall = (System.nanoTime() - t0) / 1e6 / reps;
        System.out.printf("jit(valueAndGrad(loss)) on %d x 64 digits, hidden %d, backend %s:%n", d.pixels().shape()[0], hidden,
                Nabla.config().backend());
        System.out.printf("  first call (trace + differentiate + simplify + run): %.1f ms%n", firstMs);
        System.out.printf("  cached call: %.2f ms (mean of %d)%n", perCall, reps);
        System.out.printf("  loss %.4f, |grad w1| %.4f%n", first.value().item(), org.nabla4j.Np.norm(first.grad().w1()).item());
    }

    static NDArray normal(Random r, double scale, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextGaussian() * scale);
        return NDArray.of(v, shape);
    }
}
