package org.nabla4j.examples;

import java.io.PrintStream;
import org.nabla4j.DType;
import org.nabla4j.InAxes;
import org.nabla4j.NDArray;
import org.nabla4j.Nabla;
import org.nabla4j.Np;
import org.nabla4j.Optimizers;
import org.nabla4j.Random;
import org.nabla4j.Trees;

/**
 * Per-example gradient clipping, the core of DP-SGD (Abadi et al., "Deep learning with differential
 * privacy", 2016), for logistic regression on the Wisconsin breast-cancer data (569 tumours, 30
 * standardized features, benign or malignant). Each example's gradient comes from
 * {@code vmap(grad(loss))} in one batched program, is scaled down to norm at most {@code C}, and the
 * clipped gradients are averaged; Gaussian noise of scale {@code sigma C / B} on the average makes
 * the step differentially private. The same clipped average computed with a Java loop over the
 * examples is printed next to it: they agree.
 *
 * <pre>
 * mvn -q -pl examples -am compile exec:exec -Dmain=org.nabla4j.examples.PerSampleClipping
 * </pre>
 */
public final class PerSampleClipping {
    static final double CLIP = 1.0;
    static final double NOISE_MULTIPLIER = 1.0;
    static final int BATCH = 64;

    record Params(NDArray w, NDArray b) {}

    /** One example (x of shape (30,), y a scalar 0 or 1) or a batch of them (x (n, 30), y (n,)). */
    record Examples(NDArray x, NDArray y) {
        int size() { return y.shape()[0]; }

        Examples get(int i) { return new Examples(x.get(i), y.get(i)); }

        Examples rows(int from, int to) { return new Examples(x.slice(0, from, to), y.slice(0, from, to)); }

        Examples shuffled(NDArray key) { return new Examples(Random.permutation(key, x), Random.permutation(key, y)); }
    }

    private PerSampleClipping() {}

    /** Logistic loss {@code softplus(z) - y z} with {@code z = x.w + b}, averaged over the examples given. */
    static NDArray loss(Params p, Examples e) {
        NDArray z = e.x().matmul(p.w()).add(p.b());
        return Np.softplus(z).sub(z.mul(e.y())).mean();
    }

    /** The mean of the examples' gradients, each clipped to norm {@link #CLIP}: one vmap over the batch. */
    static Params clippedMeanGradient(Params p, Examples batch) {
        var perExample = Nabla.vmap((Params q, Examples e) -> Optimizers.clipByGlobalNorm(Nabla.grad(PerSampleClipping::loss).apply(q, e), CLIP),
                InAxes.of(null, 0));
        return Trees.map(g -> g.mean(0), perExample.apply(p, batch));
    }

    /** The same, one example at a time in a Java loop. */
    static Params clippedMeanGradientByLoop(Params p, Examples batch) {
        var grad = Nabla.grad(PerSampleClipping::loss);
        Params sum = null;
        for (int i = 0; i < batch.size(); i++) {
            Params g = Optimizers.clipByGlobalNorm(grad.apply(p, batch.get(i)), CLIP);
            sum = sum == null ? g : Trees.map(NDArray::add, sum, g);
        }
        return Trees.map(g -> g.div(batch.size()), sum);
    }

    /** How many of the batch's gradients are longer than {@link #CLIP}, i.e. are changed by clipping. */
    static int clippedCount(Params p, Examples batch) {
        var norms = Nabla.vmap((Params q, Examples e) -> Optimizers.globalNorm(Nabla.grad(PerSampleClipping::loss).apply(q, e)), InAxes.of(null, 0));
        return (int) norms.apply(p, batch).gt(CLIP).astype(DType.I32).sum().item();
    }

    static double accuracy(Params p, Examples e) {
        return e.x().matmul(p.w()).add(p.b()).gt(0).astype(DType.F64).eq(e.y()).astype(DType.F64).mean().item();
    }

    record Comparison(double maxDifference, double vmapMillis, double loopMillis, int clipped) {}

    /** The clipped mean gradient of one batch by vmap (jitted) and by the loop, at parameters {@code p}. */
    static Comparison compare(Params p, Examples batch) {
        var jitted = Nabla.jit(PerSampleClipping::clippedMeanGradient);
        Params byVmap = jitted.apply(p, batch);
        int reps = 20;
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) jitted.apply(p, batch);
        double vmapMillis = (System.nanoTime() - t0) / 1e6 / reps;
        t0 = System.nanoTime();
        Params byLoop = clippedMeanGradientByLoop(p, batch);
        double loopMillis = (System.nanoTime() - t0) / 1e6;
        double difference = 0;
        for (int i = 0; i < 2; i++) {
            NDArray a = Trees.leaves(byVmap).get(i), b = Trees.leaves(byLoop).get(i);
            difference = Math.max(difference, a.sub(b).abs().max().item());
        }
        return new Comparison(difference, vmapMillis, loopMillis, clippedCount(p, batch));
    }

    /** DP-SGD: shuffled batches, clipped mean gradients by vmap, Gaussian noise, plain SGD steps. */
    static Params train(Examples train, Examples test, int epochs, double learningRate, NDArray key, PrintStream out) {
        var step = Nabla.jit((Params p, Examples batch) -> clippedMeanGradient(p, batch));
        Params p = new Params(NDArray.zeros(DType.F64, train.x().shape()[1]), NDArray.scalar(0.0));
        NDArray[] keys = Random.unstack(Random.split(key, 2));
        int steps = train.size() / BATCH, t = 0;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            Examples shuffled = train.shuffled(Random.foldIn(keys[0], epoch));
            for (int i = 0; i < steps; i++, t++) {
                Params g = step.apply(p, shuffled.rows(i * BATCH, (i + 1) * BATCH));
                NDArray[] noiseKeys = Random.unstack(Random.split(Random.foldIn(keys[1], t), 2));
                double scale = NOISE_MULTIPLIER * CLIP / BATCH;
                Params noisy = new Params(g.w().add(Random.normal(noiseKeys[0], DType.F64, g.w().shape()).mul(scale)),
                        g.b().add(Random.normal(noiseKeys[1], DType.F64).mul(scale)));
                p = Trees.map((param, grad) -> param.sub(grad.mul(learningRate)), p, noisy);
            }
            out.printf("epoch %2d  train accuracy %.3f  test accuracy %.3f%n", epoch, accuracy(p, train), accuracy(p, test));
        }
        return p;
    }

    public static void main(String[] args) {
        LabeledData data = LabeledData.breastCancer().standardized();
        NDArray[] keys = Random.unstack(Random.split(Random.key(0), 3));
        Examples all = new Examples(data.x(), data.y().astype(DType.F64)).shuffled(keys[0]);
        int testSize = all.size() / 5;
        Examples test = all.rows(0, testSize), train = all.rows(testSize, all.size());
        System.out.printf("breast cancer: %d train and %d test tumours, %d features; clip norm C = %.1f, noise multiplier %.1f, batch %d%n",
                train.size(), test.size(), data.features(), CLIP, NOISE_MULTIPLIER, BATCH);

        // Random parameters, so that many per-example gradients are longer than C and clipping matters.
        Params probe = new Params(Random.normal(keys[1], DType.F64, data.features()), NDArray.scalar(0.5));
        Comparison c = compare(probe, train.rows(0, BATCH));
        System.out.printf("%nclipped mean gradient of one batch of %d (%d of the per-example gradients were clipped):%n", BATCH, c.clipped());
        System.out.printf("  jit(vmap(grad(loss))):                 %8.2f ms (mean of 20 calls)%n", c.vmapMillis());
        System.out.printf("  a Java loop of grad(loss) per example: %8.2f ms%n", c.loopMillis());
        System.out.printf("  largest difference between the two:   %.2e%n%n", c.maxDifference());

        Params p = train(train, test, 10, 0.5, keys[2], System.out);
        System.out.printf("%nDP-SGD logistic regression: test accuracy %.3f%n", accuracy(p, test));
    }
}
