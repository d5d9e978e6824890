package org.nabla4j;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Atom;
import org.nabla4j.ir.Params;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.ProgramBuilder;
import org.nabla4j.ir.Var;

/**
 * The engine behind {@link Nabla#customVjp}: traces f, fwd and bwd into the sub-programs of one
 * {@code custom_vjp_call}. Arrays the functions capture are constants of the call (their
 * cotangent is zero), as the arguments are what the custom derivative is defined for.
 */
final class CustomVjp {
    private CustomVjp() {}

    @SuppressWarnings("unchecked")
    static <A, R, Res> Function<A, R> of(Function<A, R> f, Function<A, FwdResult<R, Res>> fwd, BiFunction<Res, R, A> bwd) {
        return a -> (R) call(f, fwd, bwd, a);
    }

    @SuppressWarnings("unchecked")
    private static <A, R, Res> Object call(Function<A, R> f, Function<A, FwdResult<R, Res>> fwd, BiFunction<Res, R, A> bwd, A a) {
        Tracing.Args args = Tracing.Args.of(new Object[] {a});
        for (NDArray leaf : args.leaves()) {
            if (!leaf.dtype().isFloating()) {
                throw new DTypeError("customVjp: arguments must be float arrays, got " + leaf.abstractType());
            }
        }
        Tracing.Traced call = Tracing.trace("customVjp function", x -> f.apply((A) x[0]), args.def(), args.types());
        Tracing.Traced forward = Tracing.trace("customVjp fwd", x -> fwd.apply((A) x[0]), args.def(), args.types());
        if (!(forward.outDef() instanceof TreeDef.RecordNode r && r.type() == FwdResult.class)) {
            throw new TreeError("customVjp: fwd must return new FwdResult<>(value, residuals), got " + Trees.describe(forward.outDef()));
        }
        TreeDef valueDef = r.children().get(0), resDef = r.children().get(1);
        int nOut = call.program().outputs().size();
        List<AbstractArray> fwdOut = forward.program().outputTypes();
        if (!valueDef.equals(call.outDef()) || !fwdOut.subList(0, nOut).equals(call.program().outputTypes())) {
            throw new TreeError("customVjp: fwd's value " + Trees.describe(valueDef) + " " + fwdOut.subList(0, Math.min(nOut, fwdOut.size()))
                    + " must match the function's result " + Trees.describe(call.outDef()) + " " + call.program().outputTypes());
        }
        List<AbstractArray> resTypes = fwdOut.subList(nOut, fwdOut.size());
        List<AbstractArray> bwdIn = new ArrayList<>(resTypes);
        bwdIn.addAll(call.program().outputTypes());
        TreeDef bwdDef = new TreeDef.ArgsNode(List.of(resDef, call.outDef()));
        Tracing.Traced backward = Tracing.trace("customVjp bwd", x -> bwd.apply((Res) x[0], (R) x[1]), bwdDef, bwdIn);
        TreeDef argDef = ((TreeDef.ArgsNode) args.def()).children().getFirst();
        if (!backward.outDef().equals(argDef) || !backward.program().outputTypes().equals(args.types())) {
            throw new TreeError("customVjp: bwd must return a cotangent shaped like the argument " + Trees.describe(argDef) + " "
                    + args.types() + ", got " + Trees.describe(backward.outDef()) + " " + backward.program().outputTypes());
        }
        List<NDArray> consts = new ArrayList<>();
        for (Tracing.Traced t : List.of(call, forward, backward)) {
            for (NDArray c : t.consts()) if (consts.stream().noneMatch(x -> x == c)) consts.add(c);
        }
        // Captured arrays become leading operands, passed to bwd as extra residuals; their cotangents are zero.
        Program fwdProgram = appendConstOutputs(ControlFlow.closed(forward, consts), consts.size());
        Params p = Params.of("call", ControlFlow.closed(call, consts), "fwd", fwdProgram,
                "bwd", bwdProgram(ControlFlow.closed(backward, consts), consts, resTypes.size()), "nres", resTypes.size() + consts.size());
        List<NDArray> operands = new ArrayList<>(consts);
        operands.addAll(args.leaves());
        List<NDArray> out = Ops.bind(Primitive.CUSTOM_VJP_CALL, p, operands);
        return Trees.build(call.outDef(), out.iterator());
    }

    /** fwd taking [consts…, args…] and returning [value…, residuals…, consts…]. */
    private static Program appendConstOutputs(Program fwd, int k) {
        ProgramBuilder b = new ProgramBuilder();
        List<Atom> ins = new ArrayList<>();
        for (Var v : fwd.inputs()) ins.add(b.input(fwd.type(v)));
        List<Atom> outs = new ArrayList<>(b.inline(fwd, List.of(), ins));
        outs.addAll(ins.subList(0, k));
        return b.build(outs);
    }

    /** bwd taking [residuals…, consts…, cts…] and returning [zeros for the consts…, the arguments' cotangents…]. */
    private static Program bwdProgram(Program closedBwd, List<NDArray> consts, int nres) {
        ProgramBuilder b = new ProgramBuilder();
        org.nabla4j.ir.Emitter e = new org.nabla4j.ir.Emitter(b);
        int k = consts.size();
        List<Atom> res = new ArrayList<>(), cs = new ArrayList<>(), cts = new ArrayList<>();
        List<Var> in = closedBwd.inputs();
        for (int i = 0; i < nres; i++) res.add(b.input(closedBwd.type(in.get(k + i))));
        for (int i = 0; i < k; i++) cs.add(b.input(closedBwd.type(in.get(i))));
        for (int i = k + nres; i < in.size(); i++) cts.add(b.input(closedBwd.type(in.get(i))));
        List<Atom> args = new ArrayList<>(cs);
        args.addAll(res);
        args.addAll(cts);
        List<Atom> outs = new ArrayList<>();
        for (NDArray c : consts) outs.add(e.zeros(c.abstractType()));
        outs.addAll(b.inline(closedBwd, List.of(), args));
        return b.build(outs);
    }
}
