package org.nabla4j.examples;

import static org.nabla4j.Np.logSumExp;
import static org.nabla4j.Np.takeAlongAxis;
import static org.nabla4j.Np.tanh;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.nabla4j.DType;
import org.nabla4j.NDArray;
import org.nabla4j.Nabla;
import org.nabla4j.Optimizers;
import org.nabla4j.Random;
import org.nabla4j.ValueAndGrad;

/**
 * Trains a two-layer perceptron on the digits from scratch: a shuffled 80/20 train/test split,
 * minibatches, {@code jit(valueAndGrad(loss))} and Adam, a progress bar per epoch, and a plot of the
 * loss and accuracy curves written to a PNG.
 *
 * <pre>
 * mvn -q -pl examples -am compile exec:exec                 # the README's main command
 * mvn -q -pl examples -am compile exec:exec -Dargs="30 digits.png"   # epochs, plot file
 * </pre>
 */
public final class DigitsMlp {
    record Params(NDArray w1, NDArray b1, NDArray w2, NDArray b2) {}

    record Batch(NDArray x, NDArray y) {
        int size() { return y.shape()[0]; }

        Batch rows(int from, int to) { return new Batch(x.slice(0, from, to), y.slice(0, from, to)); }

        /** The same rows in the order of {@code Random.permutation(key, size())}. */
        Batch shuffled(NDArray key) { return new Batch(Random.permutation(key, x), Random.permutation(key, y)); }
    }

    /** What one jitted training step carries from step to step. */
    record TrainState(Params params, Optimizers.AdamState adam) {}

    record Settings(int epochs, int batchSize, int hidden, double learningRate, long seed) {
        static Settings defaults() { return new Settings(20, 64, 64, 3e-3, 0); }
    }

    record Result(Params params, List<TrainingPlot.Point> history, double testAccuracy, double seconds) {}

    private DigitsMlp() {}

    /** Mean softmax cross-entropy of the logits against the labels (DESIGN.md's model). */
    static NDArray loss(Params p, Batch b) {
        NDArray logits = logits(p, b.x());
        return logSumExp(logits, 1).sub(takeAlongAxis(logits, b.y(), 1)).mean();
    }

    static NDArray logits(Params p, NDArray x) {
        NDArray h = tanh(x.matmul(p.w1()).add(p.b1()));
        return h.matmul(p.w2()).add(p.b2());
    }

    static NDArray accuracy(Params p, Batch b) {
        return logits(p, b.x()).argmax(1).eq(b.y()).astype(DType.F32).mean();
    }

    /** Weights drawn from a normal with variance 1 / fan-in (LeCun), biases zero. */
    static Params init(NDArray key, int hidden) {
        NDArray[] k = Random.unstack(Random.split(key, 2));
        return new Params(
                Random.normal(k[0], Digits.FEATURES, hidden).mul(1 / Math.sqrt(Digits.FEATURES)), NDArray.zeros(DType.F32, hidden),
                Random.normal(k[1], hidden, 10).mul(1 / Math.sqrt(hidden)), NDArray.zeros(DType.F32, 10));
    }

    static Result train(Digits data, Settings s, PrintStream out) {
        long start = System.nanoTime();
        NDArray[] keys = Random.unstack(Random.split(Random.key(s.seed()), 3));
        Batch all = new Batch(data.pixels(), data.labels()).shuffled(keys[0]);
        int testSize = all.size() / 5;
        Batch test = all.rows(0, testSize), train = all.rows(testSize, all.size());
        out.printf("digits: %d train and %d test images of 8x8 pixels; MLP 64-%d-10, Adam(%.0e), batch %d%n",
                train.size(), test.size(), s.hidden(), s.learningRate(), s.batchSize());

        var opt = Optimizers.adam(s.learningRate());
        var lossAndGrad = Nabla.jit(Nabla.valueAndGrad(DigitsMlp::loss));
        var update = Nabla.jit((TrainState t, Params grads) -> {
            var u = opt.update(grads, t.adam(), t.params());
            return new TrainState(Optimizers.applyUpdates(t.params(), u.updates()), u.state());
        });
        var accuracy = Nabla.jit(DigitsMlp::accuracy);

        Params init = init(keys[1], s.hidden());
        TrainState state = new TrainState(init, opt.init(init));
        int steps = train.size() / s.batchSize();   // the remainder of each shuffle waits for the next epoch
        List<TrainingPlot.Point> history = new ArrayList<>();
        String width = String.valueOf(s.epochs());
        for (int epoch = 1; epoch <= s.epochs(); epoch++) {
            long t0 = System.nanoTime();
            Batch epochData = train.shuffled(Random.foldIn(keys[2], epoch));
            ProgressBar bar = new ProgressBar(out, String.format("epoch %" + width.length() + "d/%s", epoch, width), steps);
            double lossSum = 0;
            for (int i = 0; i < steps; i++) {
                ValueAndGrad<Params> vg = lossAndGrad.apply(state.params(), epochData.rows(i * s.batchSize(), (i + 1) * s.batchSize()));
                state = update.apply(state, vg.grad());
                lossSum += vg.value().item();
                bar.step(i + 1, String.format("loss %.4f", lossSum / (i + 1)));
            }
            TrainingPlot.Point p = new TrainingPlot.Point(epoch, lossSum / steps,
                    accuracy.apply(state.params(), train).item(), accuracy.apply(state.params(), test).item());
            history.add(p);
            bar.finish(String.format("loss %.4f  train acc %.3f  test acc %.3f  %.2fs", p.loss(), p.trainAccuracy(), p.testAccuracy(),
                    (System.nanoTime() - t0) / 1e9));
        }
        return new Result(state.params(), history, history.getLast().testAccuracy(), (System.nanoTime() - start) / 1e9);
    }

    public static void main(String[] args) {
        Settings defaults = Settings.defaults();
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : defaults.epochs();
        Path plotFile = Path.of(args.length > 1 ? args[1] : "target/digits-mlp.png");
        Settings s = new Settings(epochs, defaults.batchSize(), defaults.hidden(), defaults.learningRate(), defaults.seed());

        Result r = train(Digits.load(), s, System.out);
        System.out.printf("%nfinal test accuracy: %.4f (%d of %d epochs, trained in %.1f s)%n", r.testAccuracy(), r.history().size(), s.epochs(),
                r.seconds());
        Path png = TrainingPlot.write(plotFile, "digits: MLP 64-" + s.hidden() + "-10 trained with Adam", r.history());
        System.out.println("loss and accuracy curves: " + png);
    }
}
