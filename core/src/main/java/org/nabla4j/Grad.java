package org.nabla4j;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.nabla4j.autodiff.Autodiff;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.batching.Vmap;

/**
 * The engine behind grad, valueAndGrad, jvp, vjp and the jacobians: trace the function, transform
 * its program with {@link Autodiff}, and evaluate the result eagerly or into the enclosing trace.
 */
final class Grad {
    static {
        UserFrames.registerLibrary(Autodiff.class);
    }

    private Grad() {}

    /** Which leaves of the flattened arguments belong to which argument. */
    private record ArgLayout(Tracing.Args args, int[] firstLeaf, int[] leafCount) {
        static ArgLayout of(Object[] raw) {
            Tracing.Args args = Tracing.Args.of(raw);
            List<TreeDef> children = ((TreeDef.ArgsNode) args.def()).children();
            int[] first = new int[children.size()], count = new int[children.size()];
            int k = 0;
            for (int i = 0; i < children.size(); i++) {
                first[i] = k;
                count[i] = children.get(i).leafCount();
                k += count[i];
            }
            return new ArgLayout(args, first, count);
        }

        TreeDef argDef(int i) { return ((TreeDef.ArgsNode) args.def()).children().get(i); }
    }

    /** The value(s), auxiliary data and one gradient pytree per argnum. */
    record Result(NDArray value, Object aux, List<Object> grads) {}

    static Result valueAndGrad(String op, Function<Object[], Object> body, Object[] raw, int[] argnums, boolean hasAux) {
        ArgLayout layout = ArgLayout.of(raw);
        List<NDArray> leaves = layout.args().leaves();
        boolean[] wrt = new boolean[leaves.size()];
        List<String> paths = layout.args().def().leafPaths("args");
        for (int a : argnums) {
            if (a < 0 || a >= raw.length) {
                throw new NablaException(op + ": argnum " + a + " is out of range for a function of " + raw.length + " argument(s)");
            }
            if (layout.argDef(a) instanceof TreeDef.Static s) {
                throw new DTypeError(op + ": cannot differentiate with respect to args[" + a + "], the " + s.value().getClass().getSimpleName()
                        + " " + s.value() + ": Java values are static arguments, not arrays; pass an NDArray (e.g. NDArray.scalar(...)) "
                        + "to differentiate with respect to it, or choose other argnums");
            }
            for (int i = layout.firstLeaf()[a]; i < layout.firstLeaf()[a] + layout.leafCount()[a]; i++) {
                if (!leaves.get(i).dtype().isFloating()) {
                    throw new DTypeError(op + ": cannot differentiate with respect to " + paths.get(i) + " of type "
                            + leaves.get(i).abstractType() + "; gradients need f32 or f64 arrays (convert with astype(DType.F32), "
                            + "or choose other argnums)");
                }
                wrt[i] = true;
            }
        }
        Tracing.Traced t = Tracing.trace(op, body, layout.args().def(), layout.args().types());
        Program p = t.program();
        int valueIndex = checkScalarOutput(op, t.outDef(), p, hasAux);
        Program vjp = Autodiff.vjp(p, wrt);
        List<NDArray> in = new ArrayList<>(leaves);
        for (int i = 0; i < p.outputs().size(); i++) {
            AbstractArray type = p.type(p.outputs().get(i));
            in.add(filled(type, i == valueIndex ? 1 : 0));
        }
        List<NDArray> out = Tracing.eval(vjp, t.consts(), in);
        List<NDArray> primal = out.subList(0, p.outputs().size());
        List<NDArray> gradLeaves = out.subList(p.outputs().size(), out.size());
        List<Object> grads = new ArrayList<>();
        int k = 0;
        for (int a : argnums) {
            int n = layout.leafCount()[a];
            grads.add(Trees.build(layout.argDef(a), gradLeaves.subList(k, k + n).iterator()));
            k += n;
        }
        Object aux = null;
        if (hasAux) {
            WithAux<?> rebuilt = (WithAux<?>) Trees.build(t.outDef(), primal.iterator());
            aux = rebuilt.aux();
        }
        return new Result(primal.get(valueIndex), aux, grads);
    }

    /** The output index of the differentiated value; fails unless it is a float scalar. */
    private static int checkScalarOutput(String op, TreeDef outDef, Program p, boolean hasAux) {
        int index = 0;
        if (hasAux) {
            if (!(outDef instanceof TreeDef.RecordNode r && r.type() == WithAux.class && r.children().getFirst() instanceof TreeDef.Leaf)) {
                throw new TreeError(op + ": with aux, the function must return new WithAux<>(scalarValue, aux), got " + Trees.describe(outDef));
            }
        } else if (!(outDef instanceof TreeDef.Leaf)) {
            throw new TreeError(op + ": the function must return one scalar NDArray, got a " + Trees.describe(outDef)
                    + " (use valueAndGradWithAux to return extra data, or vjp/jacrev for several outputs)");
        }
        AbstractArray type = p.type(p.outputs().get(index));
        if (type.rank() != 0 || !type.dtype().isFloating()) {
            throw new ShapeError(op + ": the function must return a float scalar (f32[] or f64[]), got " + type
                    + "; reduce it first (e.g. sum() or mean()), or use jacrev/vjp for non-scalar outputs");
        }
        return index;
    }

    static <R> JvpResult<R> jvp(Function<Object[], Object> body, Object primal, Object tangent) {
        Tracing.Args p = Tracing.Args.of(new Object[] {primal});
        Tracing.Args t = Tracing.Args.of(new Object[] {tangent});
        if (!p.def().equals(t.def()) || !p.types().equals(t.types())) {
            throw new TreeError("jvp: tangents must match the primals in structure, dtype and shape: primals "
                    + Trees.describe(p.def()) + " " + p.types() + ", tangents " + Trees.describe(t.def()) + " " + t.types());
        }
        boolean[] wrt = new boolean[p.leaves().size()];
        for (int i = 0; i < wrt.length; i++) wrt[i] = p.leaves().get(i).dtype().isFloating();
        Tracing.Traced traced = Tracing.trace("jvp", body, p.def(), p.types());
        Program jvp = Autodiff.jvp(traced.program(), wrt);
        List<NDArray> in = new ArrayList<>(p.leaves());
        for (int i = 0; i < wrt.length; i++) if (wrt[i]) in.add(t.leaves().get(i));
        List<NDArray> out = Tracing.eval(jvp, traced.consts(), in);
        int n = traced.program().outputs().size();
        @SuppressWarnings("unchecked")
        R value = (R) Trees.build(traced.outDef(), out.subList(0, n).iterator());
        @SuppressWarnings("unchecked")
        R tan = (R) Trees.build(traced.outDef(), out.subList(n, 2 * n).iterator());
        return new JvpResult<>(value, tan);
    }

    static <R, A> VjpResult<R, A> vjp(Function<Object[], Object> body, A primal) {
        Tracing.Args p = Tracing.Args.of(new Object[] {primal});
        boolean[] wrt = new boolean[p.leaves().size()];
        for (int i = 0; i < wrt.length; i++) wrt[i] = p.leaves().get(i).dtype().isFloating();
        Tracing.Traced traced = Tracing.trace("vjp", body, p.def(), p.types());
        Program prog = traced.program();
        Program vjp = Autodiff.vjp(prog, wrt);
        int n = prog.outputs().size();
        // The primal value is the vjp program's first outputs with any cotangent; zeros serve.
        List<NDArray> in = new ArrayList<>(p.leaves());
        for (var o : prog.outputs()) in.add(filled(prog.type(o), 0));
        @SuppressWarnings("unchecked")
        R value = (R) Trees.build(traced.outDef(), Tracing.eval(vjp, traced.consts(), in).subList(0, n).iterator());
        Function<R, A> pullback = ct -> {
            List<NDArray> ctLeaves = new ArrayList<>();
            TreeDef ctDef = Trees.flattenLenient(ct, ctLeaves, "cotangent");
            if (!ctDef.equals(traced.outDef())) {
                throw new TreeError("vjp: the cotangent's structure " + Trees.describe(ctDef) + " differs from the value's "
                        + Trees.describe(traced.outDef()));
            }
            List<NDArray> args = new ArrayList<>(p.leaves());
            for (int i = 0; i < n; i++) {
                AbstractArray want = prog.type(prog.outputs().get(i));
                if (!ctLeaves.get(i).abstractType().equals(want)) {
                    throw new ShapeError("vjp: cotangent " + i + " is " + ctLeaves.get(i).abstractType() + ", the value is " + want);
                }
                args.add(ctLeaves.get(i));
            }
            List<NDArray> out = Tracing.eval(vjp, traced.consts(), args);
            List<NDArray> grads = new ArrayList<>();
            int k = n;
            for (int i = 0; i < wrt.length; i++) {
                NDArray leaf = p.leaves().get(i);
                grads.add(wrt[i] ? out.get(k++) : Np.zerosLike(leaf));
            }
            @SuppressWarnings("unchecked")
            A g = (A) ((Object[]) Trees.build(p.def(), grads.iterator()))[0];
            return g;
        };
        return new VjpResult<>(value, pullback);
    }

    /**
     * d f(x) / d x with shape {@code f(x).shape ++ x.shape}: the JVP program batched over the
     * standard basis of x's tangent space with vmap, as JAX's jacfwd.
     */
    static NDArray jacfwd(Function<NDArray, NDArray> f, NDArray x) {
        checkFloat("jacfwd", x);
        Tracing.Traced traced = traceUnary("jacfwd", f, x);
        Program jvp = Autodiff.jvp(traced.program(), new boolean[] {true});
        AbstractArray outType = traced.program().type(traced.program().outputs().getFirst());
        int n = x.size();
        // Tangent basis batched on axis 0; the tangents come out with the batch axis last.
        Program batched = Vmap.vmap(jvp, java.util.Arrays.asList(null, 0), n, java.util.Arrays.asList(null, outType.rank()));
        NDArray tangents = Tracing.eval(batched, traced.consts(), List.of(x, basis(x.abstractType()))).get(1);
        return tangents.reshape(concat(outType.shape().dims(), x.shape()));
    }

    /**
     * d f(x) / d x with shape {@code f(x).shape ++ x.shape}: the VJP program batched over the
     * standard basis of the output's cotangent space with vmap, as JAX's jacrev.
     */
    static NDArray jacrev(Function<NDArray, NDArray> f, NDArray x) {
        checkFloat("jacrev", x);
        Tracing.Traced traced = traceUnary("jacrev", f, x);
        Program vjp = Autodiff.vjp(traced.program(), new boolean[] {true});
        AbstractArray outType = traced.program().type(traced.program().outputs().getFirst());
        int m = outType.shape().size();
        Program batched = Vmap.vmap(vjp, java.util.Arrays.asList(null, 0), m, java.util.Arrays.asList(null, 0));
        NDArray rows = Tracing.eval(batched, traced.consts(), List.of(x, basis(outType))).get(1);
        return rows.reshape(concat(outType.shape().dims(), x.shape()));
    }

    private static Tracing.Traced traceUnary(String op, Function<NDArray, NDArray> f, NDArray x) {
        Tracing.Traced traced = Tracing.trace(op, args -> f.apply((NDArray) args[0]), Tracing.Args.of(new Object[] {x}).def(),
                List.of(x.abstractType()));
        checkSingleOutput(op, traced.outDef());
        return traced;
    }

    /** The standard basis of a space of the given type, stacked along a new leading axis. */
    private static NDArray basis(AbstractArray type) {
        int n = type.shape().size();
        return NDArray.eye(type.dtype(), n).reshape(concat(new int[] {n}, type.shape().dims()));
    }

    private static int[] concat(int[] a, int[] b) {
        int[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static void checkFloat(String op, NDArray x) {
        if (!x.dtype().isFloating()) {
            throw new DTypeError(op + ": cannot differentiate with respect to " + x.abstractType() + "; convert it with astype(DType.F32)");
        }
    }

    private static void checkSingleOutput(String op, TreeDef outDef) {
        if (!(outDef instanceof TreeDef.Leaf)) throw new TreeError(op + ": the function must return one NDArray, got " + Trees.describe(outDef));
    }

    /** An array of the given type filled with v: a broadcast scalar, so a trace records one small equation. */
    private static NDArray filled(AbstractArray type, double v) {
        NDArray s = NDArray.full(type.dtype(), v);
        return type.rank() == 0 ? s : Ops.broadcastTo("fill", s, type.shape().dims());
    }
}
