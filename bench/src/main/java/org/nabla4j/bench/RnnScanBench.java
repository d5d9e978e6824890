package org.nabla4j.bench;

import java.util.concurrent.TimeUnit;
import org.nabla4j.JitFunction3;
import org.nabla4j.NDArray;
import org.nabla4j.Nabla;
import org.nabla4j.Np;
import org.nabla4j.ScanStep;
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
 * W8: a recurrent network {@code h = tanh(W h + x_t)}, h of size 64, 1,000 steps, f32, written
 * with {@code scan} under {@code jit} (the whole loop is one compiled method). Also its gradient
 * with respect to W by backpropagation through time, for information. Twin: the NumPy loop in
 * {@code bench/numpy/twins.py w8}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 10, time = 1)
public class RnnScanBench {
    @Param({"64"})
    public int hidden;

    @Param({"1000"})
    public int steps;

    /** The final state after running the cell over every row of xs. */
    static NDArray rnn(NDArray w, NDArray h0, NDArray xs) {
        ScanStep<NDArray, Object> r = Nabla.scan((NDArray h, NDArray x) -> new ScanStep<>(Np.tanh(w.matmul(h).add(x)), null), h0, xs);
        return r.carry();
    }

    NDArray w, h0, xs;
    private JitFunction3<NDArray, NDArray, NDArray, NDArray> forward;
    private JitFunction3<NDArray, NDArray, NDArray, NDArray> gradient;

    @Setup
    public void setup() {
        w = NDArray.of(Inputs.normal(31, 1 / Math.sqrt(hidden), hidden * hidden), hidden, hidden);
        h0 = NDArray.of(new float[hidden]);
        xs = NDArray.of(Inputs.normal(32, 1, steps * hidden), steps, hidden);
        forward = Nabla.jit(RnnScanBench::rnn);
        gradient = Nabla.jit(Nabla.grad((NDArray w, NDArray h0, NDArray xs) -> rnn(w, h0, xs).sum()));
        forward.apply(w, h0, xs);
        gradient.apply(w, h0, xs);
    }

    @Benchmark
    public NDArray jit() {
        return forward.apply(w, h0, xs);
    }

    @Benchmark
    public NDArray jitGrad() {
        return gradient.apply(w, h0, xs);
    }
}
