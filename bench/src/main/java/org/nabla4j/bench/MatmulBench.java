package org.nabla4j.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.nabla4j.codegen.kernels.Gemm;
import org.nabla4j.codegen.kernels.MatmulSpec;
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
 * W4: {@code C = A·B} for dense row-major (1024×1024) matrices through the {@code dot_general}
 * kernel ({@link Gemm}), f32 and f64, allowed 1 or 2 threads. GFLOP/s = 2·1024³ / time =
 * {@code 2147.48 / (ms per op)}. Twin: {@code bench/numpy/matmul.py} ({@code np.matmul} with
 * OpenBLAS held to the same thread count).
 *
 * <pre>
 * mvn -q -pl bench -am compile exec:exec -Dbench=MatmulBench -Djmh.args="-f 1 -wi 3 -w 2s -i 5 -r 2s"
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 10, time = 1)
public class MatmulBench {
    static final int N = 1024;

    @Param({"f32", "f64"})
    public String dtype;

    @Param({"1", "2"})
    public int threads;

    private MatmulSpec spec;
    private float[] af, bf, cf;
    private double[] ad, bd, cd;

    @Setup
    public void setup() {
        spec = MatmulSpec.of(N, N, N).withThreads(threads);
        SplittableRandom r = new SplittableRandom(4);
        ad = new double[N * N];
        bd = new double[N * N];
        cd = new double[N * N];
        for (int i = 0; i < N * N; i++) {
            ad[i] = r.nextDouble(-1, 1);
            bd[i] = r.nextDouble(-1, 1);
        }
        if (dtype.equals("f32")) {
            af = toFloat(ad);
            bf = toFloat(bd);
            cf = new float[N * N];
        } else if (!dtype.equals("f64")) {
            throw new IllegalArgumentException("dtype " + dtype);
        }
    }

    @Benchmark
    public Object matmul() {
        if (cf != null) {
            Gemm.f32(spec, af, 0, bf, 0, cf, 0, null, 0);
            return cf;
        }
        Gemm.f64(spec, ad, 0, bd, 0, cd, 0, null, 0);
        return cd;
    }

    private static float[] toFloat(double[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = (float) x[i];
        return y;
    }
}
