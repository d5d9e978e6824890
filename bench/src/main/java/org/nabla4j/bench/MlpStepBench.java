package org.nabla4j.bench;

import static org.nabla4j.Np.logSumExp;
import static org.nabla4j.Np.takeAlongAxis;
import static org.nabla4j.Np.tanh;

import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.nabla4j.JitBiFunction;
import org.nabla4j.NDArray;
import org.nabla4j.Nabla;
import org.nabla4j.ValueAndGrad;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * W5: one SGD training step of an MLP in-hidden-hidden-classes (784-512-512-10, tanh, softmax
 * cross-entropy, batch 256): {@code jit} of value-and-grad plus the parameter update, returning
 * the loss and the new parameters. Every call steps from the same parameters, as the twin does.
 * {@link #firstCall} measures the compile latency of the step.
 * Twin: the hand-written NumPy backprop step in {@code bench/numpy/twins.py w5}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 1)
public class MlpStepBench {
    static final double LR = 0.01;

    @Param({"784"})
    public int in;

    @Param({"512"})
    public int hidden;

    @Param({"10"})
    public int classes;

    @Param({"256"})
    public int batch;

    public record Params(NDArray w1, NDArray b1, NDArray w2, NDArray b2, NDArray w3, NDArray b3) {}

    public record Batch(NDArray x, NDArray y) {}

    public record Step(NDArray loss, Params params) {}

    static NDArray loss(Params p, Batch b) {
        NDArray h1 = tanh(b.x().matmul(p.w1()).add(p.b1()));
        NDArray h2 = tanh(h1.matmul(p.w2()).add(p.b2()));
        NDArray logits = h2.matmul(p.w3()).add(p.b3());
        return logSumExp(logits, 1).sub(takeAlongAxis(logits, b.y(), 1)).mean();
    }

    private static final BiFunction<Params, Batch, ValueAndGrad<Params>> VALUE_AND_GRAD = Nabla.valueAndGrad(MlpStepBench::loss);

    static Step step(Params p, Batch b) {
        ValueAndGrad<Params> vg = VALUE_AND_GRAD.apply(p, b);
        Params g = vg.grad();
        return new Step(vg.value(), new Params(p.w1().sub(g.w1().mul(LR)), p.b1().sub(g.b1().mul(LR)), p.w2().sub(g.w2().mul(LR)),
                p.b2().sub(g.b2().mul(LR)), p.w3().sub(g.w3().mul(LR)), p.b3().sub(g.b3().mul(LR))));
    }

    Params params;
    Batch data;
    private JitBiFunction<Params, Batch, Step> jitted;

    @Setup
    public void setup() {
        params = new Params(NDArray.of(Inputs.normal(11, 1 / Math.sqrt(in), in * hidden), in, hidden), NDArray.of(new float[hidden]),
                NDArray.of(Inputs.normal(12, 1 / Math.sqrt(hidden), hidden * hidden), hidden, hidden), NDArray.of(new float[hidden]),
                NDArray.of(Inputs.normal(13, 1 / Math.sqrt(hidden), hidden * classes), hidden, classes), NDArray.of(new float[classes]));
        data = new Batch(NDArray.of(Inputs.uniform(14, 0, 1, batch * in), batch, in), NDArray.of(Inputs.labels(15, classes, batch)));
        jitted = Nabla.jit(MlpStepBench::step);
        jitted.apply(params, data);
    }

    @Benchmark
    public Step jit() {
        return jitted.apply(params, data);
    }

    /**
     * Compile latency: a fresh {@code jit} of the step and its first call (trace, differentiate,
     * simplify, compile, run once). Single shot, so each measurement is one cold call of a new function.
     */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 2)
    @Measurement(iterations = 5)
    public Step firstCall() {
        return Nabla.jit(MlpStepBench::step).apply(params, data);
    }
}
