package org.nabla4j.ir.batching;

import static org.nabla4j.ir.batching.BatchingRules.define;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.nabla4j.DType;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Atom;
import org.nabla4j.ir.Emitter;
import org.nabla4j.ir.Equation;
import org.nabla4j.ir.Params;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.ProgramBuilder;
import org.nabla4j.ir.Var;

/**
 * Batching of control flow by batching the sub-programs. A cond whose index is mapped runs every
 * branch and selects per element; a while whose predicate may differ per element runs until no
 * element wants another step, masking the carry of finished elements; a scan batches its body with
 * scanned operands mapped along their second axis. A loop carry is mapped when it starts mapped or
 * the body computes it from a mapped value (a fixpoint, so its type is fixed across iterations);
 * results that depend on no mapped value stay unmapped, as in JAX. A custom-derivative call
 * batches its three sub-programs.
 */
final class ControlFlowBatching {
    private ControlFlowBatching() {}

    static void register() {
        define(Primitive.COND, ControlFlowBatching::cond);
        define(Primitive.WHILE, ControlFlowBatching::whileLoop);
        define(Primitive.SCAN, ControlFlowBatching::scan);
        define(Primitive.CUSTOM_VJP_CALL, ControlFlowBatching::customVjp);
    }

    /** All operands mapped at 0, and call, fwd and bwd batched alike. */
    private static List<Batched> customVjp(Batcher b, Params p, List<Batched> in) {
        Program call = p.getProgram("call"), fwd = p.getProgram("fwd"), bwd = p.getProgram("bwd");
        Params np = Params.of("call", Vmap.vmap(call, zeros(in.size()), b.size(), zeros(call.outputs().size())),
                "fwd", Vmap.vmap(fwd, zeros(in.size()), b.size(), zeros(fwd.outputs().size())),
                "bwd", Vmap.vmap(bwd, zeros(bwd.inputs().size()), b.size(), zeros(bwd.outputs().size())),
                "nres", p.getInt("nres"));
        return mappedAt(b.e().ops(Primitive.CUSTOM_VJP_CALL, np, b.materializeAll(in, 0)), 0);
    }

    private static List<Batched> cond(Batcher b, Params p, List<Batched> in) {
        Emitter e = b.e();
        List<Batched> ops = in.subList(1, in.size());
        List<Integer> axes = axesOf(ops);
        List<Atom> opAtoms = atomsAt0(b, ops);
        Batched index = in.getFirst();
        if (!index.isMapped()) {
            // Only the results some branch computes from a mapped operand are mapped (as JAX), so a
            // result that does not depend on the batch can still be taken with a null out axis.
            boolean[] mappedOut = new boolean[p.getPrograms("branches").getFirst().outputs().size()];
            for (Program br : p.getPrograms("branches")) orInto(mappedOut, dependsOn(br, isMapped(ops)));
            List<Program> branches = new ArrayList<>();
            for (Program br : p.getPrograms("branches")) branches.add(Vmap.vmap(br, axes, b.size(), axesFor(mappedOut)));
            List<Atom> operands = new ArrayList<>();
            operands.add(index.atom());
            operands.addAll(opAtoms);
            return withAxes(e.ops(Primitive.COND, Params.of("branches", branches), operands), mappedOut, 0);
        }
        List<Program> branches = new ArrayList<>();
        for (Program br : p.getPrograms("branches")) branches.add(Vmap.vmap(br, axes, b.size(), zeros(br.outputs().size())));
        // A mapped index: every branch runs, and each result picks its branch per element.
        List<List<Atom>> results = new ArrayList<>();
        for (Program br : branches) results.add(e.builder().inline(br, List.of(), opAtoms));
        int n = branches.size();
        Atom idx = e.max(e.min(b.moveTo(index, 0), Emitter.literal(n - 1, DType.I32)), Emitter.literal(0, DType.I32));
        List<Batched> out = new ArrayList<>();
        for (int o = 0; o < results.getFirst().size(); o++) {
            AbstractArray t = e.type(results.getFirst().get(o));
            Atom pred = e.broadcastInDim(idx, t.shape(), new int[] {0});
            Atom[] cases = new Atom[n + 1];
            cases[0] = pred;
            for (int k = 0; k < n; k++) cases[k + 1] = results.get(k).get(o);
            out.add(new Batched(e.op(Primitive.SELECT_N, cases), 0));
        }
        return out;
    }

    private static List<Batched> whileLoop(Batcher b, Params p, List<Batched> in) {
        Emitter e = b.e();
        int k = p.getInt("nconsts");
        List<Batched> consts = in.subList(0, k);
        List<Batched> carry = in.subList(k, in.size());
        Program condP = p.getProgram("cond"), bodyP = p.getProgram("body");
        // The carries that become mapped: a fixpoint, since a carry the body computes from a mapped value is mapped from then on.
        boolean[] mappedIn = isMapped(in);
        boolean predMapped;
        while (true) {
            predMapped = dependsOn(condP, mappedIn)[0];
            if (predMapped) java.util.Arrays.fill(mappedIn, k, mappedIn.length, true);
            boolean[] next = dependsOn(bodyP, mappedIn);
            boolean changed = false;
            for (int i = 0; i < next.length; i++) {
                if (next[i] && !mappedIn[k + i]) {
                    mappedIn[k + i] = true;
                    changed = true;
                }
            }
            if (!changed) break;
        }
        boolean[] carryMapped = java.util.Arrays.copyOfRange(mappedIn, k, mappedIn.length);
        List<Integer> axes = new ArrayList<>(axesOf(consts));
        axes.addAll(axesFor(carryMapped));
        Program cond = Vmap.vmap(condP, axes, b.size(), java.util.Arrays.asList(predMapped ? 0 : null));
        Program body = Vmap.vmap(bodyP, axes, b.size(), axesFor(carryMapped));
        List<AbstractArray> types = new ArrayList<>();
        List<Atom> operands = new ArrayList<>(atomsAt0(b, consts));
        for (int i = 0; i < carry.size(); i++) operands.add(carryMapped[i] ? b.materialize(carry.get(i), 0) : carry.get(i).atom());
        for (Atom a : operands) types.add(e.type(a));
        Params np = predMapped
                ? Params.of("cond", anyTrue(cond, types), "body", maskedBody(cond, body, types, k), "nconsts", k)
                : Params.of("cond", cond, "body", body, "nconsts", k);
        return withAxes(e.ops(Primitive.WHILE, np, operands), carryMapped, 0);
    }

    /** The batched loop continues while any element's predicate holds. */
    private static Program anyTrue(Program cond, List<AbstractArray> types) {
        ProgramBuilder pb = new ProgramBuilder();
        Emitter e = new Emitter(pb);
        List<Atom> ins = new ArrayList<>();
        for (AbstractArray t : types) ins.add(pb.input(t));
        Atom preds = pb.inline(cond, List.of(), ins).getFirst();
        Atom any = e.op(Primitive.REDUCE_MAX, Params.of("axes", new int[] {0}), e.convert(preds, DType.I32));
        return pb.build(List.of(e.gt(any, Emitter.literal(0, DType.I32))));
    }

    /** One step for the elements whose predicate holds; the others keep their carry. */
    private static Program maskedBody(Program cond, Program body, List<AbstractArray> types, int nconsts) {
        ProgramBuilder pb = new ProgramBuilder();
        Emitter e = new Emitter(pb);
        List<Atom> ins = new ArrayList<>();
        for (AbstractArray t : types) ins.add(pb.input(t));
        Atom preds = pb.inline(cond, List.of(), ins).getFirst();
        List<Atom> next = pb.inline(body, List.of(), ins);
        List<Atom> out = new ArrayList<>();
        for (int i = 0; i < next.size(); i++) {
            Atom old = ins.get(nconsts + i);
            Atom mask = e.broadcastInDim(preds, e.shape(old), new int[] {0});
            out.add(e.select(mask, old, next.get(i)));
        }
        return pb.build(out);
    }

    private static List<Batched> scan(Batcher b, Params p, List<Batched> in) {
        Emitter e = b.e();
        int k = p.getInt("nconsts"), m = p.getInt("ncarry");
        List<Batched> consts = in.subList(0, k), carry = in.subList(k, k + m), xs = in.subList(k + m, in.size());
        Program body = p.getProgram("body");
        // A carry is mapped when it starts mapped or the body computes it from a mapped value (a fixpoint);
        // the others, and the ys that depend on no mapped value, stay unmapped.
        boolean[] mappedIn = isMapped(in);
        boolean[] mappedOut;
        while (true) {
            mappedOut = dependsOn(body, mappedIn);
            boolean changed = false;
            for (int i = 0; i < m; i++) {
                if (mappedOut[i] && !mappedIn[k + i]) {
                    mappedIn[k + i] = true;
                    changed = true;
                }
            }
            if (!changed) break;
        }
        for (int i = 0; i < m; i++) mappedOut[i] = mappedIn[k + i];
        List<Integer> axes = new ArrayList<>(axesOf(consts));
        for (int i = 0; i < m; i++) axes.add(mappedIn[k + i] ? 0 : null);
        axes.addAll(axesOf(xs));
        Program batched = Vmap.vmap(body, axes, b.size(), axesFor(mappedOut));
        List<Atom> operands = new ArrayList<>(atomsAt0(b, consts));
        for (int i = 0; i < m; i++) operands.add(mappedIn[k + i] ? b.materialize(carry.get(i), 0) : carry.get(i).atom());
        // Scanned operands keep the scan axis first; their batch axis goes second.
        for (Batched x : xs) operands.add(x.isMapped() ? b.moveTo(x, 1) : x.atom());
        Params np = Params.of("body", batched, "length", p.getInt("length"), "reverse", p.getBool("reverse"), "nconsts", k, "ncarry", m);
        List<Var> out = e.ops(Primitive.SCAN, np, operands);
        List<Batched> result = new ArrayList<>(withAxes(out.subList(0, m), java.util.Arrays.copyOfRange(mappedOut, 0, m), 0));
        result.addAll(withAxes(out.subList(m, out.size()), java.util.Arrays.copyOfRange(mappedOut, m, mappedOut.length), 1));
        return result;
    }

    /**
     * Which outputs of {@code p} depend on an input marked in {@code mappedIn}. An equation's results
     * depend on all its operands (conservative for sub-programs), so an output reported independent
     * is never mapped by {@link Vmap#vmap}.
     */
    private static boolean[] dependsOn(Program p, boolean[] mappedIn) {
        boolean[] dep = new boolean[p.types().size()];
        for (int i = 0; i < mappedIn.length; i++) dep[p.inputs().get(i).id()] = mappedIn[i];
        for (Equation eq : p.equations()) {
            boolean any = false;
            for (Atom a : eq.operands()) any |= a instanceof Var v && dep[v.id()];
            for (Var r : eq.results()) dep[r.id()] = any;
        }
        boolean[] out = new boolean[p.outputs().size()];
        for (int i = 0; i < out.length; i++) out[i] = p.outputs().get(i) instanceof Var v && dep[v.id()];
        return out;
    }

    private static boolean[] isMapped(List<Batched> xs) {
        boolean[] out = new boolean[xs.size()];
        for (int i = 0; i < out.length; i++) out[i] = xs.get(i).isMapped();
        return out;
    }

    private static void orInto(boolean[] acc, boolean[] xs) {
        for (int i = 0; i < acc.length; i++) acc[i] |= xs[i];
    }

    /** Out axes for a sub-program: 0 for the mapped outputs, null for the others. */
    private static List<Integer> axesFor(boolean[] mapped) {
        List<Integer> axes = new ArrayList<>();
        for (boolean m : mapped) axes.add(m ? 0 : null);
        return axes;
    }

    private static List<Batched> withAxes(List<? extends Atom> atoms, boolean[] mapped, int dim) {
        List<Batched> out = new ArrayList<>();
        for (int i = 0; i < atoms.size(); i++) out.add(mapped[i] ? new Batched(atoms.get(i), dim) : Batched.unmapped(atoms.get(i)));
        return out;
    }

    /** In-axes for a sub-program: 0 for mapped operands (moved there), null for the others. */
    private static List<Integer> axesOf(List<Batched> xs) {
        List<Integer> axes = new ArrayList<>();
        for (Batched x : xs) axes.add(x.isMapped() ? 0 : null);
        return axes;
    }

    private static List<Atom> atomsAt0(Batcher b, List<Batched> xs) {
        List<Atom> out = new ArrayList<>();
        for (Batched x : xs) out.add(x.isMapped() ? b.moveTo(x, 0) : x.atom());
        return out;
    }

    private static List<Integer> zeros(int n) {
        return new ArrayList<>(Collections.nCopies(n, 0));
    }

    private static List<Batched> mappedAt(List<? extends Atom> atoms, int dim) {
        List<Batched> out = new ArrayList<>();
        for (Atom a : atoms) out.add(new Batched(a, dim));
        return out;
    }
}
