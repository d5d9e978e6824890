package org.nabla4j.autodiff;

import java.util.ArrayList;
import java.util.List;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Atom;
import org.nabla4j.ir.Emitter;
import org.nabla4j.ir.Params;
import org.nabla4j.ir.Passes;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.ProgramBuilder;
import org.nabla4j.ir.Var;

/**
 * Forward mode of cond, while and scan: differentiate the sub-programs and run one control-flow
 * equation over primals and tangents together (so the primal work is not done twice). Carry
 * tangents are always materialised, which is the fixed point of "does the carry have a tangent".
 */
final class ControlFlowJvp {
    private ControlFlowJvp() {}

    /** Primal and tangent results of one equation. */
    record Result(List<Atom> primals, List<Atom> tangents) {}

    static Result cond(Emitter e, Params p, List<Atom> x, List<Atom> t) {
        List<Atom> ops = x.subList(1, x.size());
        List<Atom> opT = t.subList(1, t.size());
        boolean[] wrt = mask(opT);
        List<Program> branches = new ArrayList<>();
        for (Program b : p.getPrograms("branches")) branches.add(Passes.simplify(Jvp.jvp(b, wrt)));
        List<Atom> operands = new ArrayList<>();
        operands.add(x.getFirst());
        operands.addAll(ops);
        for (Atom a : opT) if (a != null) operands.add(a);
        List<Var> out = e.ops(Primitive.COND, Params.of("branches", branches), operands);
        int n = out.size() / 2;
        return new Result(List.copyOf(out.subList(0, n)), List.copyOf(out.subList(n, 2 * n)));
    }

    static Result whileLoop(Emitter e, Params p, List<Atom> x, List<Atom> t) {
        int k = p.getInt("nconsts");
        int m = x.size() - k;
        List<Atom> consts = x.subList(0, k), carry = x.subList(k, x.size());
        List<Atom> constT = t.subList(0, k);
        List<Atom> carryT = materialize(e, carry, t.subList(k, t.size()));
        boolean[] wrt = new boolean[k + m];
        for (int i = 0; i < k; i++) wrt[i] = constT.get(i) != null;
        for (int i = k; i < k + m; i++) wrt[i] = true;
        int kt = count(wrt, 0, k);
        // The differentiated body takes [consts, carry, constT, carryT]; the loop needs [consts, constT, carry, carryT].
        Program bodyJvp = Passes.simplify(Jvp.jvp(p.getProgram("body"), wrt));
        int[] order = concat(range(0, k), range(k + m, kt), range(k, m), range(k + m + kt, m));
        Program body = reorderInputs(bodyJvp, order);
        List<Atom> operands = new ArrayList<>(consts);
        for (Atom a : constT) if (a != null) operands.add(a);
        operands.addAll(carry);
        operands.addAll(carryT);
        boolean[] used = new boolean[operands.size()];
        for (int i = 0; i < k; i++) used[i] = true;
        for (int i = 0; i < m; i++) used[k + kt + i] = true;
        Program cond = dropInputs(p.getProgram("cond"), operands.stream().map(e::type).toList(), used);
        List<Var> out = e.ops(Primitive.WHILE, Params.of("cond", cond, "body", body, "nconsts", k + kt), operands);
        return new Result(List.copyOf(out.subList(0, m)), List.copyOf(out.subList(m, 2 * m)));
    }

    static Result scan(Emitter e, Params p, List<Atom> x, List<Atom> t) {
        int k = p.getInt("nconsts"), m = p.getInt("ncarry");
        int nx = x.size() - k - m;
        List<Atom> consts = x.subList(0, k), carry = x.subList(k, k + m), xs = x.subList(k + m, x.size());
        List<Atom> constT = t.subList(0, k), xsT = t.subList(k + m, t.size());
        List<Atom> carryT = materialize(e, carry, t.subList(k, k + m));
        boolean[] wrt = new boolean[k + m + nx];
        for (int i = 0; i < k; i++) wrt[i] = constT.get(i) != null;
        for (int i = k; i < k + m; i++) wrt[i] = true;
        for (int i = 0; i < nx; i++) wrt[k + m + i] = xsT.get(i) != null;
        int kt = count(wrt, 0, k), xt = count(wrt, k + m, nx);
        Program body = p.getProgram("body");
        int ny = body.outputs().size() - m;
        // jvp body: inputs [consts, carry, xs, constT, carryT, xsT], outputs [carry, ys, carryT, ysT]
        Program bodyJvp = Passes.simplify(Jvp.jvp(body, wrt));
        int base = k + m + nx;
        int[] inOrder = concat(range(0, k), range(base, kt), range(k, m), range(base + kt, m), range(k + m, nx), range(base + kt + m, xt));
        int[] outOrder = concat(range(0, m), range(m + ny, m), range(m, ny), range(2 * m + ny, ny));
        Program newBody = reorderOutputs(reorderInputs(bodyJvp, inOrder), outOrder);
        List<Atom> operands = new ArrayList<>(consts);
        for (Atom a : constT) if (a != null) operands.add(a);
        operands.addAll(carry);
        operands.addAll(carryT);
        operands.addAll(xs);
        for (Atom a : xsT) if (a != null) operands.add(a);
        Params np = Params.of("body", newBody, "length", p.getInt("length"), "reverse", p.getBool("reverse"),
                "nconsts", k + kt, "ncarry", 2 * m);
        List<Var> out = e.ops(Primitive.SCAN, np, operands);
        List<Atom> primals = new ArrayList<>(out.subList(0, m));
        primals.addAll(out.subList(2 * m, 2 * m + ny));
        List<Atom> tangents = new ArrayList<>(out.subList(m, 2 * m));
        tangents.addAll(out.subList(2 * m + ny, 2 * m + 2 * ny));
        return new Result(primals, tangents);
    }

    /**
     * custom_vjp_call: the primal and residuals come from the user's fwd; the tangent map is the
     * transpose of the user's bwd (which is linear in the cotangents), so forward mode uses the
     * custom derivative too, and reverse mode, transposing it back, runs bwd itself.
     */
    static Result customVjp(Emitter e, Params p, List<Atom> x, List<Atom> t) {
        Program fwd = p.getProgram("fwd"), bwd = p.getProgram("bwd");
        int r = p.getInt("nres");
        int nOut = fwd.outputs().size() - r;
        List<Atom> fo = e.builder().inline(fwd, List.of(), x);
        List<Atom> outs = fo.subList(0, nOut), res = fo.subList(nOut, fo.size());
        Program ctFirst = reorderInputs(bwd, concat(range(r, nOut), range(0, r)));
        Program tangentMap;
        try {
            tangentMap = Passes.simplify(Transpose.transpose(ctFirst, nOut));
        } catch (IllegalStateException ex) {
            throw new org.nabla4j.NablaException("customVjp: the bwd function must be linear in the output cotangent: " + ex.getMessage());
        }
        List<Atom> args = new ArrayList<>(res);
        args.addAll(materialize(e, x, t));
        return new Result(List.copyOf(outs), e.builder().inline(tangentMap, List.of(), args));
    }

    // ---- program surgery ----

    /** A program whose input i is input order[i] of p. */
    static Program reorderInputs(Program p, int[] order) {
        ProgramBuilder b = new ProgramBuilder();
        Atom[] args = new Atom[p.inputs().size()];
        for (int i = 0; i < order.length; i++) args[order[i]] = b.input(p.type(p.inputs().get(order[i])));
        return b.build(b.inline(p, List.of(), List.of(args)));
    }

    /** A program whose output i is output order[i] of p. */
    static Program reorderOutputs(Program p, int[] order) {
        ProgramBuilder b = new ProgramBuilder();
        List<Atom> ins = new ArrayList<>();
        for (Var v : p.inputs()) ins.add(b.input(p.type(v)));
        List<Atom> outs = b.inline(p, List.of(), ins);
        List<Atom> reordered = new ArrayList<>();
        for (int i : order) reordered.add(outs.get(i));
        return b.build(reordered);
    }

    /** A program with inputs of the given types that passes only the flagged ones on to p, in order. */
    static Program dropInputs(Program p, List<AbstractArray> inputTypes, boolean[] used) {
        ProgramBuilder b = new ProgramBuilder();
        List<Atom> args = new ArrayList<>();
        for (int i = 0; i < used.length; i++) {
            Var v = b.input(inputTypes.get(i));
            if (used[i]) args.add(v);
        }
        return b.build(b.inline(p, List.of(), args));
    }

    static List<Atom> materialize(Emitter e, List<Atom> x, List<Atom> t) {
        List<Atom> out = new ArrayList<>();
        for (int i = 0; i < x.size(); i++) out.add(t.get(i) != null ? t.get(i) : e.zeros(e.type(x.get(i))));
        return out;
    }

    private static boolean[] mask(List<Atom> t) {
        boolean[] m = new boolean[t.size()];
        for (int i = 0; i < m.length; i++) m[i] = t.get(i) != null;
        return m;
    }

    private static int count(boolean[] m, int from, int n) {
        int c = 0;
        for (int i = from; i < from + n; i++) if (m[i]) c++;
        return c;
    }

    static int[] range(int start, int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = start + i;
        return r;
    }

    static int[] concat(int[]... parts) {
        int n = 0;
        for (int[] p : parts) n += p.length;
        int[] r = new int[n];
        int k = 0;
        for (int[] p : parts) for (int v : p) r[k++] = v;
        return r;
    }
}
