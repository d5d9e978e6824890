package org.nabla4j;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.nabla4j.ir.AbstractArray;

/**
 * Transformations of functions over arrays.
 *
 * <pre>{@code
 * var f = Nabla.jit((NDArray x) -> x.mul(2).add(1));
 * NDArray y = f.apply(NDArray.of(1f, 2f, 3f));        // traced and compiled once per shape signature
 * System.out.println(Nabla.makeJaxpr(Model::loss, params, batch));   // the traced IR
 * }</pre>
 *
 * Arguments are pytrees (see {@link Trees}); values in them that are not arrays or containers
 * (numbers, strings, enums, config records) are static: they are part of the cache key and baked
 * into the trace.
 */
public final class Nabla {
    private static final Config CONFIG = new Config();

    static {
        UserFrames.registerLibrary(Nabla.class);
        UserFrames.registerLibrary(org.nabla4j.codegen.CodegenBackend.class);
    }

    private Nabla() {}

    /** The process-wide configuration. */
    public static Config config() { return CONFIG; }

    /** Compiles {@code f} per argument signature; see {@link JitFunction}. */
    @SuppressWarnings("unchecked")
    public static <A, R> JitFunction<A, R> jit(Function<A, R> f) {
        return new JitFunction<>(new Jit(args -> f.apply((A) args[0]), nameOf(f)));
    }

    @SuppressWarnings("unchecked")
    public static <A, B, R> JitBiFunction<A, B, R> jit(BiFunction<A, B, R> f) {
        return new JitBiFunction<>(new Jit(args -> f.apply((A) args[0], (B) args[1]), nameOf(f)));
    }

    @SuppressWarnings("unchecked")
    public static <A, B, C, R> JitFunction3<A, B, C, R> jit(Function3<A, B, C, R> f) {
        return new JitFunction3<>(new Jit(args -> f.apply((A) args[0], (B) args[1], (C) args[2]), nameOf(f)));
    }

    /** Traces {@code f} at {@code a} and returns its program (not simplified: what the function does, equation by equation). */
    @SuppressWarnings("unchecked")
    public static <A> Jaxpr makeJaxpr(Function<A, ?> f, A a) {
        return makeJaxpr(args -> f.apply((A) args[0]), new Object[] {a});
    }

    @SuppressWarnings("unchecked")
    public static <A, B> Jaxpr makeJaxpr(BiFunction<A, B, ?> f, A a, B b) {
        return makeJaxpr(args -> f.apply((A) args[0], (B) args[1]), new Object[] {a, b});
    }

    @SuppressWarnings("unchecked")
    public static <A, B, C> Jaxpr makeJaxpr(Function3<A, B, C, ?> f, A a, B b, C c) {
        return makeJaxpr(args -> f.apply((A) args[0], (B) args[1], (C) args[2]), new Object[] {a, b, c});
    }

    private static Jaxpr makeJaxpr(Function<Object[], Object> body, Object[] args) {
        Tracing.Args flat = Tracing.Args.of(args);
        List<AbstractArray> types = flat.types();
        Tracing.Traced t = Tracing.trace("makeJaxpr", body, flat.def(), types);
        return new Jaxpr(t.program(), t.consts(), flat.def(), t.outDef());
    }

    // ---- autodiff ----

    /**
     * The gradient of a scalar-valued function with respect to its argument, as a pytree of the
     * argument's shape: {@code Nabla.grad((NDArray x) -> x.sin().sum())} maps x to cos(x).
     */
    @SuppressWarnings("unchecked")
    public static <A> Function<A, A> grad(Function<A, NDArray> f) {
        return a -> (A) Grad.valueAndGrad("grad", args -> f.apply((A) args[0]), new Object[] {a}, new int[] {0}, false).grads().getFirst();
    }

    /** The gradient with respect to the first argument. */
    public static <A, B> BiFunction<A, B, A> grad(BiFunction<A, B, NDArray> f) {
        return grad(f, 0);
    }

    /** The gradient with respect to argument {@code argnum} (0 or 1); its type is that argument's type. */
    @SuppressWarnings("unchecked")
    public static <A, B, G> BiFunction<A, B, G> grad(BiFunction<A, B, NDArray> f, int argnum) {
        return (a, b) -> (G) Grad.valueAndGrad("grad", args(f), new Object[] {a, b}, new int[] {argnum}, false).grads().getFirst();
    }

    /** The gradient of a three-argument function with respect to its first argument. */
    public static <A, B, C> Function3<A, B, C, A> grad(Function3<A, B, C, NDArray> f) {
        return grad(f, 0);
    }

    /** The gradient of a three-argument function with respect to argument {@code argnum} (0, 1 or 2). */
    @SuppressWarnings("unchecked")
    public static <A, B, C, G> Function3<A, B, C, G> grad(Function3<A, B, C, NDArray> f, int argnum) {
        return (a, b, c) -> (G) Grad.valueAndGrad("grad", args -> f.apply((A) args[0], (B) args[1], (C) args[2]),
                new Object[] {a, b, c}, new int[] {argnum}, false).grads().getFirst();
    }

    /** Gradients with respect to several arguments, in the order given. */
    public static <A, B> BiFunction<A, B, List<Object>> grad(BiFunction<A, B, NDArray> f, int... argnums) {
        int[] nums = argnums.clone();
        return (a, b) -> Grad.valueAndGrad("grad", args(f), new Object[] {a, b}, nums, false).grads();
    }

    /** The value and the gradient of a scalar-valued function. */
    @SuppressWarnings("unchecked")
    public static <A> Function<A, ValueAndGrad<A>> valueAndGrad(Function<A, NDArray> f) {
        return a -> {
            Grad.Result r = Grad.valueAndGrad("valueAndGrad", args -> f.apply((A) args[0]), new Object[] {a}, new int[] {0}, false);
            return new ValueAndGrad<>(r.value(), (A) r.grads().getFirst());
        };
    }

    /** The value and the gradient with respect to the first argument. */
    public static <A, B> BiFunction<A, B, ValueAndGrad<A>> valueAndGrad(BiFunction<A, B, NDArray> f) {
        return valueAndGrad(f, 0);
    }

    /** The value and the gradient with respect to argument {@code argnum}. */
    @SuppressWarnings("unchecked")
    public static <A, B, G> BiFunction<A, B, ValueAndGrad<G>> valueAndGrad(BiFunction<A, B, NDArray> f, int argnum) {
        return (a, b) -> {
            Grad.Result r = Grad.valueAndGrad("valueAndGrad", args(f), new Object[] {a, b}, new int[] {argnum}, false);
            return new ValueAndGrad<>(r.value(), (G) r.grads().getFirst());
        };
    }

    /** The value and the gradient of a three-argument function with respect to its first argument. */
    public static <A, B, C> Function3<A, B, C, ValueAndGrad<A>> valueAndGrad(Function3<A, B, C, NDArray> f) {
        return valueAndGrad(f, 0);
    }

    /** The value and the gradient of a three-argument function with respect to argument {@code argnum}. */
    @SuppressWarnings("unchecked")
    public static <A, B, C, G> Function3<A, B, C, ValueAndGrad<G>> valueAndGrad(Function3<A, B, C, NDArray> f, int argnum) {
        return (a, b, c) -> {
            Grad.Result r = Grad.valueAndGrad("valueAndGrad", args -> f.apply((A) args[0], (B) args[1], (C) args[2]),
                    new Object[] {a, b, c}, new int[] {argnum}, false);
            return new ValueAndGrad<>(r.value(), (G) r.grads().getFirst());
        };
    }

    /** Like {@link #valueAndGrad(Function)} for a function returning {@link WithAux}: the aux part is passed through. */
    @SuppressWarnings("unchecked")
    public static <A, X> Function<A, ValueAuxAndGrad<A, X>> valueAndGradWithAux(Function<A, WithAux<X>> f) {
        return a -> {
            Grad.Result r = Grad.valueAndGrad("valueAndGradWithAux", args -> f.apply((A) args[0]), new Object[] {a}, new int[] {0}, true);
            return new ValueAuxAndGrad<>(r.value(), (X) r.aux(), (A) r.grads().getFirst());
        };
    }

    /** Like {@link #valueAndGrad(BiFunction)} for a function returning {@link WithAux}. */
    @SuppressWarnings("unchecked")
    public static <A, B, X> BiFunction<A, B, ValueAuxAndGrad<A, X>> valueAndGradWithAux(BiFunction<A, B, WithAux<X>> f) {
        return (a, b) -> {
            Grad.Result r = Grad.valueAndGrad("valueAndGradWithAux", args(f), new Object[] {a, b}, new int[] {0}, true);
            return new ValueAuxAndGrad<>(r.value(), (X) r.aux(), (A) r.grads().getFirst());
        };
    }

    /** Forward mode: the value of f at {@code primal} and its derivative in the direction {@code tangent} (a pytree like primal). */
    @SuppressWarnings("unchecked")
    public static <A, R> JvpResult<R> jvp(Function<A, R> f, A primal, A tangent) {
        return Grad.jvp(args -> f.apply((A) args[0]), primal, tangent);
    }

    /** Reverse mode: the value of f at {@code primal} and the pullback mapping output cotangents to input cotangents. */
    @SuppressWarnings("unchecked")
    public static <A, R> VjpResult<R, A> vjp(Function<A, R> f, A primal) {
        return Grad.vjp(args -> f.apply((A) args[0]), primal);
    }

    /** The Jacobian by forward mode: {@code jacfwd(f).apply(x)} has shape {@code f(x).shape ++ x.shape}. */
    public static Function<NDArray, NDArray> jacfwd(Function<NDArray, NDArray> f) {
        return x -> Grad.jacfwd(f, x);
    }

    /** The Jacobian by reverse mode; equal to {@link #jacfwd}, cheaper when f has fewer outputs than inputs. */
    public static Function<NDArray, NDArray> jacrev(Function<NDArray, NDArray> f) {
        return x -> Grad.jacrev(f, x);
    }

    /** The Hessian of a scalar function: {@code jacfwd(jacrev(f))}, shape {@code x.shape ++ x.shape}. */
    public static Function<NDArray, NDArray> hessian(Function<NDArray, NDArray> f) {
        return jacfwd(jacrev(f));
    }

    /**
     * A function with a user-defined reverse-mode derivative, as JAX's {@code custom_vjp}: {@code fwd}
     * returns f's value and residuals, {@code bwd(residuals, outputCotangent)} returns the argument's
     * cotangent and must be linear in the cotangent. Use it for numerically stable or cheaper
     * derivatives. Forward mode also uses it (through bwd's transpose). Arrays the functions capture
     * are treated as constants.
     *
     * <pre>{@code
     * Function<NDArray, NDArray> safeLog = Nabla.customVjp(
     *     x -> x.log(),
     *     x -> new FwdResult<>(x.log(), x),
     *     (x, g) -> g.div(Np.maximum(x, NDArray.scalar(1e-6f))));
     * }</pre>
     */
    public static <A, R, Res> Function<A, R> customVjp(Function<A, R> f, Function<A, FwdResult<R, Res>> fwd, BiFunction<Res, R, A> bwd) {
        return CustomVjp.of(f, fwd, bwd);
    }

    /** The identity whose derivative is zero: {@link Np#stopGradient}. */
    public static NDArray stopGradient(NDArray x) {
        return Np.stopGradient(x);
    }

    @SuppressWarnings("unchecked")
    private static <A, B, R> Function<Object[], Object> args(BiFunction<A, B, R> f) {
        return args -> f.apply((A) args[0], (B) args[1]);
    }

    // ---- control flow ----

    /**
     * {@code pred ? onTrue(operand) : onFalse(operand)} for a traced bool scalar {@code pred}: both
     * branches are traced (they must return the same structure and types) and one runs. Use it
     * where Java's {@code if} would need the value of a traced array.
     *
     * <pre>{@code
     * NDArray y = Nabla.cond(x.sum().gt(0), v -> v.mul(2), v -> v.neg(), x);
     * }</pre>
     */
    @SuppressWarnings("unchecked")
    public static <T, R> R cond(NDArray pred, Function<T, R> onTrue, Function<T, R> onFalse, T operand) {
        return (R) ControlFlow.cond(pred, a -> onTrue.apply((T) a), a -> onFalse.apply((T) a), operand);
    }

    /** {@code branches.get(clamp(index, 0, n-1)).apply(operand)} for a traced integer scalar index. */
    @SuppressWarnings("unchecked")
    public static <T, R> R switchCase(NDArray index, List<? extends Function<T, R>> branches, T operand) {
        List<Function<Object, Object>> fs = new java.util.ArrayList<>();
        for (Function<T, R> f : branches) fs.add(a -> f.apply((T) a));
        return (R) ControlFlow.switchCase(index, fs, operand);
    }

    /**
     * {@code while (cond(carry)) carry = body(carry)} with a traced condition, compiled as one loop.
     * Forward-mode differentiable; for reverse mode give {@code maxSteps}.
     */
    @SuppressWarnings("unchecked")
    public static <T> T whileLoop(Function<T, NDArray> cond, Function<T, T> body, T init) {
        return (T) ControlFlow.whileLoop(a -> cond.apply((T) a), a -> body.apply((T) a), init);
    }

    /**
     * A while loop of at most {@code maxSteps} iterations that reverse-mode differentiation can go
     * through (JAX cannot do this): it runs as a loop of maxSteps steps that stop changing the carry
     * once the condition fails.
     */
    public static <T> T whileLoop(Function<T, NDArray> cond, Function<T, T> body, T init, int maxSteps) {
        if (maxSteps < 0) throw new NablaException("whileLoop: maxSteps must be >= 0, got " + maxSteps);
        return forILoop(0, maxSteps, (i, c) -> {
            NDArray go = cond.apply(c);
            T next = body.apply(c);
            return Trees.map((n, old) -> Np.where(go, n, old), next, c);
        }, init);
    }

    /** {@code for (i = lower; i < upper; i++) carry = body(i, carry)}, with i a traced i32 scalar; a scan underneath. */
    public static <T> T forILoop(int lower, int upper, BiFunction<NDArray, T, T> body, T init) {
        NDArray is = NDArray.arange(lower, Math.max(lower, upper));
        ScanStep<T, Object> r = scan((T c, NDArray i) -> new ScanStep<>(body.apply(i, c), null), init, is);
        return r.carry();
    }

    /**
     * {@code (carry, y_i) = f(carry, xs[i])} for each i along the leading axis of every leaf of xs,
     * as JAX's {@code lax.scan}: returns the final carry and the ys stacked along a new leading axis.
     * Runs as one loop, and differentiates in both modes.
     */
    public static <C, X, Y> ScanStep<C, Y> scan(BiFunction<C, X, ScanStep<C, Y>> f, C init, X xs) {
        return scan(f, init, xs, -1, false);
    }

    /** {@link #scan} with an explicit length (needed when xs is null) and direction. */
    @SuppressWarnings("unchecked")
    public static <C, X, Y> ScanStep<C, Y> scan(BiFunction<C, X, ScanStep<C, Y>> f, C init, X xs, int length, boolean reverse) {
        ScanStep<Object, Object> r = ControlFlow.scan((c, x) -> f.apply((C) c, (X) x), init, xs, length, reverse);
        return new ScanStep<>((C) r.carry(), (Y) r.y());
    }

    /** A readable name for logs: the lambda's or method reference's class. */
    private static String nameOf(Object f) {
        String n = f.getClass().getName();
        int slash = n.indexOf("$$Lambda");
        return slash > 0 ? n.substring(n.lastIndexOf('.', slash) + 1, slash) + "::lambda" : n;
    }

    // ---- vmap ----

    /**
     * Vectorizes {@code f} over axis 0 of its argument: {@code vmap(f).apply(xs)} stacks
     * {@code f(x)} for every slice {@code x} of {@code xs} along axis 0, but runs one batched
     * program (never a Java loop). Composes with itself, {@link #jit} and {@link #grad}.
     *
     * <pre>{@code
     * var rowNorms = Nabla.vmap((NDArray row) -> Np.norm(row));
     * NDArray norms = rowNorms.apply(matrix);                       // f32[n] for an f32[n,d] matrix
     * }</pre>
     */
    public static <A, R> Function<A, R> vmap(Function<A, R> f) {
        return Vmapped.function(f, InAxes.all(0), OutAxes.of(0), null);
    }

    /** {@link #vmap(Function)} over the axes {@code in} names; results stacked along axis 0. */
    public static <A, R> Function<A, R> vmap(Function<A, R> f, InAxes in) {
        return Vmapped.function(f, in, OutAxes.of(0), null);
    }

    /** {@link #vmap(Function)} over the axes {@code in} names, results stacked along the axes {@code out} names. */
    public static <A, R> Function<A, R> vmap(Function<A, R> f, InAxes in, OutAxes out) {
        return Vmapped.function(f, in, out, null);
    }

    /**
     * {@link #vmap(Function, InAxes, OutAxes)} with the batch size given, as JAX's
     * {@code axis_size}: needed when no argument is mapped ({@code InAxes.all(null)}), checked
     * against the mapped axes otherwise.
     */
    public static <A, R> Function<A, R> vmap(Function<A, R> f, InAxes in, OutAxes out, int axisSize) {
        return Vmapped.function(f, in, out, axisSize);
    }

    /**
     * Vectorizes a two-argument {@code f} over axis 0 of both arguments. Per-sample gradients:
     * {@code Nabla.vmap(Nabla.grad(Model::loss), InAxes.of(null, 0))} maps over the batch and shares
     * the parameters.
     */
    public static <A, B, R> BiFunction<A, B, R> vmap(BiFunction<A, B, R> f) {
        return Vmapped.biFunction(f, InAxes.all(0), OutAxes.of(0), null);
    }

    /** {@link #vmap(BiFunction)} over the axes {@code in} names, e.g. {@code InAxes.of(null, 0)}. */
    public static <A, B, R> BiFunction<A, B, R> vmap(BiFunction<A, B, R> f, InAxes in) {
        return Vmapped.biFunction(f, in, OutAxes.of(0), null);
    }

    /** {@link #vmap(BiFunction)} with in and out axes. */
    public static <A, B, R> BiFunction<A, B, R> vmap(BiFunction<A, B, R> f, InAxes in, OutAxes out) {
        return Vmapped.biFunction(f, in, out, null);
    }

    /** {@link #vmap(BiFunction, InAxes, OutAxes)} with the batch size given (see {@link #vmap(Function, InAxes, OutAxes, int)}). */
    public static <A, B, R> BiFunction<A, B, R> vmap(BiFunction<A, B, R> f, InAxes in, OutAxes out, int axisSize) {
        return Vmapped.biFunction(f, in, out, axisSize);
    }

    /** {@link #vmap(Function, InAxes)} for three-argument functions. */
    public static <A, B, C, R> Function3<A, B, C, R> vmap(Function3<A, B, C, R> f, InAxes in) {
        return Vmapped.function3(f, in, OutAxes.of(0), null);
    }

    /** {@link #vmap(Function, InAxes, OutAxes)} for three-argument functions. */
    public static <A, B, C, R> Function3<A, B, C, R> vmap(Function3<A, B, C, R> f, InAxes in, OutAxes out) {
        return Vmapped.function3(f, in, out, null);
    }
}
