package org.nabla4j;

import java.util.ArrayList;
import java.util.List;

/**
 * Gradient-based optimizers as pure functions over pytrees, in the style of optax. An
 * {@link Optimizer} turns gradients into <em>updates</em> and threads a state; nothing is mutated, so
 * a whole training step can be jitted. States are records of arrays (pytrees), and parameters are any
 * pytree (a record of arrays, a {@code List}, a {@code Map}).
 *
 * <pre>{@code
 * var opt = Optimizers.chain(Optimizers.clipByGlobalNorm(1.0), Optimizers.adam(1e-3));
 * var state = opt.init(params);
 * var u = opt.update(grads, state, params);
 * params = Optimizers.applyUpdates(params, u.updates());
 * state = u.state();
 * }</pre>
 *
 * Learning rates are numbers or {@link Schedule}s of the step count. Every optimizer counts its
 * steps in its state (an i32 scalar), evaluates the schedule at the count before the step and, like
 * optax, scales the update by minus the learning rate.
 */
public final class Optimizers {
    private Optimizers() {}

    /**
     * A gradient transformation (optax's {@code GradientTransformation}): {@code init} makes the state
     * for some parameters; {@code update} maps gradients (a pytree shaped like the parameters) to
     * updates of the same shape and a new state. Both are pure, so they may run inside {@code jit}.
     *
     * @param <S> the state, a pytree
     */
    public interface Optimizer<S> {
        /** The state before the first step. */
        S init(Object params);

        /** Updates to add to {@code params} (see {@link #applyUpdates}) and the next state. */
        <P> Update<P, S> update(P grads, S state, P params);
    }

    /** What {@link Optimizer#update} returns. */
    public record Update<P, S>(P updates, S state) {}

    /**
     * A learning rate (or any scalar hyperparameter) as a function of the step count. The step is an
     * i32 scalar that may be traced inside {@code jit}, so schedules are written with array operations.
     */
    @FunctionalInterface
    public interface Schedule {
        /** The value at {@code step}, an f64 scalar (optimizers convert it to each parameter's dtype). */
        NDArray at(NDArray step);

        /** The value at a concrete step: {@code warmupCosineDecay(...).at(100)}. */
        default double at(int step) { return at(NDArray.scalar(step)).item(); }
    }

    // ---- states ----

    /** The state of a stateless transformation. */
    public record EmptyState() {}

    /** Plain gradient descent's state: the step count. */
    public record SgdState(NDArray count) {}

    /** Momentum's state: the step count and the velocity (a pytree like the parameters). */
    public record MomentumState(NDArray count, Object velocity) {}

    /** Adam's state: the step count and the first and second moment estimates (pytrees like the parameters). */
    public record AdamState(NDArray count, Object mu, Object nu) {}

    /** The state of {@link #chain}: the states of its two parts. */
    public record ChainState<A, B>(A first, B second) {}

    // ---- optimizers ----

    /** Gradient descent: {@code update = -lr * g}. */
    public static Optimizer<SgdState> sgd(double learningRate) { return sgd(constant(learningRate)); }

    /** Gradient descent with a scheduled learning rate. */
    public static Optimizer<SgdState> sgd(Schedule learningRate) {
        return new Optimizer<>() {
            @Override public SgdState init(Object params) { return new SgdState(NDArray.scalar(0)); }

            @Override public <P> Update<P, SgdState> update(P grads, SgdState state, P params) {
                NDArray lr = learningRate.at(state.count());
                return new Update<>(Trees.map(g -> g.mul(lr.astype(g.dtype())).neg(), grads), new SgdState(increment(state.count())));
            }
        };
    }

    /** Heavy-ball momentum: {@code v = g + beta v}, {@code update = -lr * v} (optax's {@code sgd(lr, momentum)}). */
    public static Optimizer<MomentumState> momentum(double learningRate, double beta) { return momentum(constant(learningRate), beta, false); }

    /**
     * Momentum with a scheduled learning rate; with {@code nesterov} the update looks ahead:
     * {@code update = -lr * (g + beta v)} with the new {@code v}.
     */
    public static Optimizer<MomentumState> momentum(Schedule learningRate, double beta, boolean nesterov) {
        return new Optimizer<>() {
            @Override public MomentumState init(Object params) { return new MomentumState(NDArray.scalar(0), zerosLike(params)); }

            @Override public <P> Update<P, MomentumState> update(P grads, MomentumState state, P params) {
                NDArray lr = learningRate.at(state.count());
                List<NDArray> velocity = new ArrayList<>(), updates = new ArrayList<>();
                Leaves leaves = Leaves.of("momentum", grads, state.velocity());
                for (int i = 0; i < leaves.size(); i++) {
                    NDArray g = leaves.get(0, i);
                    NDArray v = g.add(leaves.get(1, i).mul(beta));
                    velocity.add(v);
                    NDArray direction = nesterov ? g.add(v.mul(beta)) : v;
                    updates.add(direction.mul(lr.astype(g.dtype())).neg());
                }
                return new Update<>(leaves.rebuild(updates), new MomentumState(increment(state.count()), leaves.rebuild(velocity)));
            }
        };
    }

    /** Adam with optax's defaults ({@code b1 = 0.9, b2 = 0.999, eps = 1e-8}). */
    public static Optimizer<AdamState> adam(double learningRate) { return adam(constant(learningRate), 0.9, 0.999, 1e-8); }

    /**
     * Adam (Kingma and Ba, 2015), as {@code optax.adam}: with {@code t} the step number from 1,
     * {@code m = b1 m + (1 - b1) g}, {@code v = b2 v + (1 - b2) g^2},
     * {@code update = -lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)}.
     */
    public static Optimizer<AdamState> adam(Schedule learningRate, double b1, double b2, double eps) {
        return adamLike("adam", learningRate, b1, b2, eps, 0);
    }

    /** AdamW with optax's defaults ({@code b1 = 0.9, b2 = 0.999, eps = 1e-8}). */
    public static Optimizer<AdamState> adamw(double learningRate, double weightDecay) {
        return adamw(constant(learningRate), 0.9, 0.999, 1e-8, weightDecay);
    }

    /**
     * Adam with decoupled weight decay (Loshchilov and Hutter, 2019), as {@code optax.adamw}: the
     * Adam direction plus {@code weightDecay * params}, all scaled by {@code -lr}. Every leaf decays;
     * exclude biases by giving them their own optimizer if you need to.
     */
    public static Optimizer<AdamState> adamw(Schedule learningRate, double b1, double b2, double eps, double weightDecay) {
        return adamLike("adamw", learningRate, b1, b2, eps, weightDecay);
    }

    private static Optimizer<AdamState> adamLike(String name, Schedule learningRate, double b1, double b2, double eps, double weightDecay) {
        return new Optimizer<>() {
            @Override public AdamState init(Object params) {
                return new AdamState(NDArray.scalar(0), zerosLike(params), zerosLike(params));
            }

            @Override public <P> Update<P, AdamState> update(P grads, AdamState state, P params) {
                NDArray lr = learningRate.at(state.count());
                NDArray t = increment(state.count());
                Leaves leaves = Leaves.of(name, grads, state.mu(), state.nu(), params);
                List<NDArray> mus = new ArrayList<>(), nus = new ArrayList<>(), updates = new ArrayList<>();
                for (int i = 0; i < leaves.size(); i++) {
                    NDArray g = leaves.get(0, i), p = leaves.get(3, i);
                    NDArray mu = g.mul(1 - b1).add(leaves.get(1, i).mul(b1));
                    NDArray nu = g.mul(g).mul(1 - b2).add(leaves.get(2, i).mul(b2));
                    NDArray step = t.astype(g.dtype());
                    NDArray muHat = mu.div(Np.pow(Np.fullLike(step, b1), step).neg().add(1));
                    NDArray nuHat = nu.div(Np.pow(Np.fullLike(step, b2), step).neg().add(1));
                    NDArray direction = muHat.div(Np.sqrt(nuHat).add(eps));
                    if (weightDecay != 0) direction = direction.add(p.mul(weightDecay));
                    mus.add(mu);
                    nus.add(nu);
                    updates.add(direction.mul(lr.astype(g.dtype())).neg());
                }
                return new Update<>(leaves.rebuild(updates), new AdamState(t, leaves.rebuild(mus), leaves.rebuild(nus)));
            }
        };
    }

    /** Scales the updates so that their global norm is at most {@code maxNorm} (optax's {@code clip_by_global_norm}); stateless. */
    public static Optimizer<EmptyState> clipByGlobalNorm(double maxNorm) {
        return new Optimizer<>() {
            @Override public EmptyState init(Object params) { return new EmptyState(); }

            @Override public <P> Update<P, EmptyState> update(P grads, EmptyState state, P params) {
                return new Update<>(clipByGlobalNorm(grads, maxNorm), state);
            }
        };
    }

    /** {@code second} applied to the updates of {@code first}: {@code chain(clipByGlobalNorm(1), adam(1e-3))}. */
    public static <A, B> Optimizer<ChainState<A, B>> chain(Optimizer<A> first, Optimizer<B> second) {
        return new Optimizer<>() {
            @Override public ChainState<A, B> init(Object params) { return new ChainState<>(first.init(params), second.init(params)); }

            @Override public <P> Update<P, ChainState<A, B>> update(P grads, ChainState<A, B> state, P params) {
                Update<P, A> a = first.update(grads, state.first(), params);
                Update<P, B> b = second.update(a.updates(), state.second(), params);
                return new Update<>(b.updates(), new ChainState<>(a.state(), b.state()));
            }
        };
    }

    // ---- pytree utilities ----

    /** {@code params + updates}, leaf by leaf, keeping each parameter's dtype. */
    public static <P> P applyUpdates(P params, P updates) {
        return Trees.map((p, u) -> p.add(u.astype(p.dtype())), params, updates);
    }

    /** The Euclidean norm of all leaves together: {@code sqrt(sum of every element squared)}. */
    public static NDArray globalNorm(Object tree) {
        NDArray total = null;
        for (NDArray leaf : Trees.leaves(tree)) {
            NDArray s = Np.sum(leaf.mul(leaf));
            total = total == null ? s : total.add(s);
        }
        if (total == null) throw new TreeError("globalNorm: the tree has no leaves");
        return Np.sqrt(total);
    }

    /**
     * {@code tree} scaled by {@code maxNorm / globalNorm(tree)} when its global norm exceeds
     * {@code maxNorm}, unchanged otherwise (as in DP-SGD's per-example clipping).
     */
    public static <P> P clipByGlobalNorm(P tree, double maxNorm) {
        NDArray norm = globalNorm(tree);
        NDArray within = norm.lt(maxNorm);
        return Trees.map(t -> Np.where(within, t, t.div(norm.astype(t.dtype())).mul(maxNorm)), tree);
    }

    // ---- schedules (optax's formulas) ----

    /** The same value at every step. */
    public static Schedule constant(double value) {
        return step -> Np.fullLike(step.astype(DType.F64), value);
    }

    /**
     * {@code init * rate^(step / transitionSteps)}, the exponent floored when {@code staircase}
     * (optax's {@code exponential_decay}).
     */
    public static Schedule exponentialDecay(double init, int transitionSteps, double rate, boolean staircase) {
        if (transitionSteps <= 0) throw new NablaException("exponentialDecay: transitionSteps must be > 0, got " + transitionSteps);
        return step -> {
            NDArray p = step.astype(DType.F64).div(transitionSteps);
            if (staircase) p = Np.floor(p);
            return Np.pow(Np.fullLike(p, rate), p).mul(init);
        };
    }

    /**
     * Cosine decay from {@code init} to {@code alpha * init} over {@code decaySteps}, constant after
     * (optax's {@code cosine_decay_schedule}).
     */
    public static Schedule cosineDecay(double init, int decaySteps, double alpha) {
        if (decaySteps <= 0) throw new NablaException("cosineDecay: decaySteps must be > 0, got " + decaySteps);
        return step -> {
            NDArray progress = Np.minimum(step.astype(DType.F64), Np.fullLike(step.astype(DType.F64), decaySteps)).div(decaySteps);
            NDArray cosine = Np.cos(progress.mul(Math.PI)).add(1).mul(0.5);
            return cosine.mul(1 - alpha).add(alpha).mul(init);
        };
    }

    /**
     * Linear warmup from {@code init} to {@code peak} over {@code warmupSteps}, then cosine decay to
     * {@code end} at step {@code decaySteps} (which counts the warmup), as optax's
     * {@code warmup_cosine_decay_schedule}.
     */
    public static Schedule warmupCosineDecay(double init, double peak, int warmupSteps, int decaySteps, double end) {
        if (warmupSteps < 0 || decaySteps <= warmupSteps) {
            throw new NablaException("warmupCosineDecay: needs 0 <= warmupSteps < decaySteps, got " + warmupSteps + " and " + decaySteps);
        }
        Schedule decay = cosineDecay(peak, decaySteps - warmupSteps, peak == 0 ? 0 : end / peak);
        return step -> {
            NDArray s = step.astype(DType.F64);
            NDArray warm = warmupSteps == 0 ? Np.fullLike(s, peak) : Np.minimum(s.div(warmupSteps), Np.onesLike(s)).mul(peak - init).add(init);
            return Np.where(s.lt(warmupSteps), warm, decay.at(step.sub(warmupSteps)));
        };
    }

    // ---- plumbing ----

    private static Object zerosLike(Object params) {
        return Trees.map(Np::zerosLike, params);
    }

    /** {@code count + 1}, saturating at the i32 maximum as optax's {@code safe_int32_increment}. */
    private static NDArray increment(NDArray count) {
        return Np.where(count.lt(Integer.MAX_VALUE), count.add(1), count);
    }

    /** The leaves of several pytrees of one structure, side by side, and a way back to that structure. */
    private record Leaves(List<List<NDArray>> trees, TreeDef def) {
        static Leaves of(String op, Object... trees) {
            Trees.Flat first = Trees.flatten(trees[0]);
            List<List<NDArray>> all = new ArrayList<>();
            for (Object t : trees) {
                Trees.Flat f = Trees.flatten(t);
                if (!f.def().equals(first.def())) {
                    throw new TreeError(op + ": the gradients, the optimizer state and the parameters differ in structure: "
                            + Trees.describe(first.def()) + " vs " + Trees.describe(f.def()));
                }
                all.add(f.leaves());
            }
            return new Leaves(all, first.def());
        }

        int size() { return trees.getFirst().size(); }

        NDArray get(int tree, int leaf) { return trees.get(tree).get(leaf); }

        @SuppressWarnings("unchecked")
        <T> T rebuild(List<NDArray> leaves) { return (T) Trees.unflatten(def, leaves); }
    }
}
