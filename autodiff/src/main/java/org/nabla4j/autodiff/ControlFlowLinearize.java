package org.nabla4j.autodiff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Atom;
import org.nabla4j.ir.Emitter;
import org.nabla4j.ir.Equation;
import org.nabla4j.ir.Params;
import org.nabla4j.ir.Passes;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.ProgramBuilder;
import org.nabla4j.ir.Shape;
import org.nabla4j.ir.Var;

/**
 * Reverse mode of cond and scan, as in JAX. Partial evaluation splits each branch (or the scan
 * body) into a known and a linear part: the known cond/scan computes primals and residuals (a scan
 * stacks its residuals per iteration), the linear one maps tangents to tangents. Transposition then
 * turns a linear cond into a cond of transposed branches, and a linear scan into a scan running the
 * other way whose carry holds the carry's cotangent and the accumulated cotangent of the constants.
 */
final class ControlFlowLinearize {
    private ControlFlowLinearize() {}

    // ---- partial evaluation ----

    static void cond(PartialEval.Splitter s, Equation e) {
        List<Atom> ops = e.operands().subList(1, e.operands().size());
        if (!s.isKnown(e.operands().getFirst())) throw new IllegalStateException("cond index depends on tangents");
        boolean[] knownIn = new boolean[ops.size()];
        for (int i = 0; i < knownIn.length; i++) knownIn[i] = s.isKnown(ops.get(i));
        List<Program> branches = e.params().getPrograms("branches");
        int nOut = e.results().size();
        boolean[] knownOut = new boolean[nOut];
        Arrays.fill(knownOut, true);
        for (Program b : branches) {
            boolean[] ko = PartialEval.knownOutputs(b, knownIn);
            for (int i = 0; i < nOut; i++) knownOut[i] &= ko[i];
        }
        boolean[] force = not(knownOut);
        List<PartialEval> splits = new ArrayList<>();
        for (Program b : branches) splits.add(PartialEval.split(b, knownIn, force));
        // Every known branch returns the residuals of all branches (zeros for the others'), so they share one type.
        List<AbstractArray> residualTypes = new ArrayList<>();
        int[] residualStart = new int[branches.size()];
        for (int k = 0; k < splits.size(); k++) {
            residualStart[k] = residualTypes.size();
            Program kp = splits.get(k).known();
            residualTypes.addAll(kp.outputTypes().subList(kp.outputs().size() - splits.get(k).residualCount(), kp.outputs().size()));
        }
        List<Atom> knownOps = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) if (knownIn[i]) knownOps.add(ops.get(i));
        List<Program> knownBranches = new ArrayList<>();
        List<Program> linearBranches = new ArrayList<>();
        for (int k = 0; k < splits.size(); k++) {
            PartialEval sp = splits.get(k);
            knownBranches.add(Passes.simplify(padResiduals(sp.known(), sp.residualCount(), residualTypes, residualStart[k])));
            linearBranches.add(Passes.simplify(selectResiduals(sp.linear(), sp.residualCount(), residualTypes, residualStart[k])));
        }
        List<Atom> kOperands = new ArrayList<>();
        kOperands.add(s.knownAtom(e.operands().getFirst()));
        for (Atom a : knownOps) kOperands.add(s.knownAtom(a));
        List<Var> kResults = s.known.add(Primitive.COND, Params.of("branches", knownBranches), kOperands);
        int j = 0;
        for (int i = 0; i < nOut; i++) if (knownOut[i]) s.knownEnv[e.results().get(i).id()] = kResults.get(j++);
        List<Atom> residuals = new ArrayList<>(kResults.subList(j, kResults.size()));

        List<Atom> lOperands = new ArrayList<>();
        lOperands.add(s.residual(s.knownAtom(e.operands().getFirst())));
        for (int i = 0; i < ops.size(); i++) if (!knownIn[i]) lOperands.add(s.linearAtom(ops.get(i)));
        for (Atom r : residuals) lOperands.add(s.residual(r));
        List<Var> lResults = s.linear.add(Primitive.COND, Params.of("branches", linearBranches), lOperands);
        j = 0;
        for (int i = 0; i < nOut; i++) if (!knownOut[i]) s.linearEnv[e.results().get(i).id()] = lResults.get(j++);
    }

    /** A known branch returning [its outputs…, all branches' residuals…], with zeros outside its own slice. */
    private static Program padResiduals(Program known, int own, List<AbstractArray> all, int start) {
        ProgramBuilder b = new ProgramBuilder();
        Emitter e = new Emitter(b);
        List<Atom> ins = new ArrayList<>();
        for (Var v : known.inputs()) ins.add(b.input(known.type(v)));
        List<Atom> outs = b.inline(known, List.of(), ins);
        int n = outs.size() - own;
        List<Atom> result = new ArrayList<>(outs.subList(0, n));
        for (int r = 0; r < all.size(); r++) {
            result.add(r >= start && r < start + own ? outs.get(n + r - start) : e.zeros(all.get(r)));
        }
        return b.build(result);
    }

    /** A linear branch taking [its unknown inputs…, all branches' residuals…] and using its own slice. */
    private static Program selectResiduals(Program linear, int own, List<AbstractArray> all, int start) {
        ProgramBuilder b = new ProgramBuilder();
        int unknown = linear.inputs().size() - own;
        List<Atom> ins = new ArrayList<>();
        for (int i = 0; i < unknown; i++) ins.add(b.input(linear.type(linear.inputs().get(i))));
        List<Atom> res = new ArrayList<>();
        for (AbstractArray t : all) res.add(b.input(t));
        List<Atom> args = new ArrayList<>(ins);
        args.addAll(res.subList(start, start + own));
        return b.build(b.inline(linear, List.of(), args));
    }

    static void scan(PartialEval.Splitter s, Equation e) {
        Params p = e.params();
        Program body = p.getProgram("body");
        int k = p.getInt("nconsts"), m = p.getInt("ncarry"), n = p.getInt("length");
        List<Atom> ops = e.operands();
        boolean[] knownIn = new boolean[ops.size()];
        for (int i = 0; i < knownIn.length; i++) knownIn[i] = s.isKnown(ops.get(i));
        // A carry is known only if the body keeps it known: iterate to the fixed point.
        boolean changed = true;
        while (changed) {
            changed = false;
            boolean[] ko = PartialEval.knownOutputs(body, knownIn);
            for (int i = 0; i < m; i++) {
                if (knownIn[k + i] && !ko[i]) {
                    knownIn[k + i] = false;
                    changed = true;
                }
            }
        }
        int nOut = body.outputs().size();
        boolean[] force = new boolean[nOut];
        for (int i = 0; i < m; i++) force[i] = !knownIn[k + i];
        PartialEval sp = PartialEval.split(body, knownIn, force);
        boolean[] knownOut = sp.knownOutputs();
        int kk = count(knownIn, 0, k), mk = count(knownIn, k, m);
        List<Atom> kOperands = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) if (knownIn[i]) kOperands.add(s.knownAtom(ops.get(i)));
        Params kp = Params.of("body", Passes.simplify(sp.known()), "length", n, "reverse", p.getBool("reverse"), "nconsts", kk, "ncarry", mk);
        List<Var> kResults = s.known.add(Primitive.SCAN, kp, kOperands);
        int j = 0;
        for (int i = 0; i < e.results().size(); i++) if (knownOut[i]) s.knownEnv[e.results().get(i).id()] = kResults.get(j++);
        List<Atom> residualStacks = new ArrayList<>(kResults.subList(j, kResults.size()));

        List<Atom> lOperands = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) if (!knownIn[i]) lOperands.add(s.linearAtom(ops.get(i)));
        for (Atom r : residualStacks) lOperands.add(s.residual(r));
        int kl = k - kk, ml = m - mk;
        Params lp = Params.of("body", Passes.simplify(sp.linear()), "length", n, "reverse", p.getBool("reverse"), "nconsts", kl, "ncarry", ml);
        List<Var> lResults = s.linear.add(Primitive.SCAN, lp, lOperands);
        j = 0;
        for (int i = 0; i < e.results().size(); i++) if (!knownOut[i]) s.linearEnv[e.results().get(i).id()] = lResults.get(j++);
    }

    // ---- transposition ----

    /**
     * The cotangents of a linear cond's operands. Its operands are [index, linear ops…, residuals…];
     * each branch takes [linear ops…, residuals…].
     */
    static List<Atom> transposeCond(Emitter e, Equation eq, List<Atom> x, boolean[] lin, List<Atom> cts, List<AbstractArray> resultTypes) {
        int nl = 0;
        while (1 + nl < lin.length && lin[1 + nl]) nl++;
        List<Program> transposed = new ArrayList<>();
        for (Program b : eq.params().getPrograms("branches")) transposed.add(Passes.simplify(Transpose.transpose(b, nl)));
        List<Atom> operands = new ArrayList<>();
        operands.add(x.getFirst());
        operands.addAll(x.subList(1 + nl, x.size()));
        for (int i = 0; i < cts.size(); i++) operands.add(cts.get(i) != null ? cts.get(i) : e.zeros(resultTypes.get(i)));
        List<Var> out = e.ops(Primitive.COND, Params.of("branches", transposed), operands);
        List<Atom> result = new ArrayList<>();
        result.add(null);
        result.addAll(out);
        while (result.size() < x.size()) result.add(null);
        return result;
    }

    /**
     * The cotangents of a linear scan's operands: [consts…, carry…, linear xs…, residual xs…]. The
     * transposed scan runs the other way with carry [carry cotangent…, accumulated const cotangent…]
     * and xs [residuals…, output cotangents…], and emits the xs' cotangents as its ys.
     */
    static List<Atom> transposeScan(Emitter e, Equation eq, List<Atom> x, boolean[] lin, List<Atom> cts, List<AbstractArray> operandTypes,
                                    List<AbstractArray> resultTypes) {
        Params p = eq.params();
        Program body = p.getProgram("body");
        int k = p.getInt("nconsts"), m = p.getInt("ncarry"), n = p.getInt("length");
        int xl = 0;
        while (k + m + xl < lin.length && lin[k + m + xl]) xl++;
        int xr = x.size() - k - m - xl;
        int ny = body.outputs().size() - m;
        Program tb = Passes.simplify(Transpose.transpose(body, k + m + xl));
        // tb: inputs [residuals (xr), carry cts (m), y cts (ny)] -> [const cts (k), carry cts (m), x cts (xl)]
        ProgramBuilder b = new ProgramBuilder();
        Emitter be = new Emitter(b);
        List<Atom> ctCarry = new ArrayList<>(), acc = new ArrayList<>(), res = new ArrayList<>(), ctYs = new ArrayList<>();
        for (int i = 0; i < m; i++) ctCarry.add(b.input(operandTypes.get(k + i)));
        for (int i = 0; i < k; i++) acc.add(b.input(operandTypes.get(i)));
        for (int i = 0; i < xr; i++) res.add(b.input(rowType(operandTypes.get(k + m + xl + i))));
        for (int i = 0; i < ny; i++) ctYs.add(b.input(rowType(resultTypes.get(m + i))));
        List<Atom> args = new ArrayList<>(res);
        args.addAll(ctCarry);
        args.addAll(ctYs);
        List<Atom> d = b.inline(tb, List.of(), args);
        List<Atom> outs = new ArrayList<>(d.subList(k, k + m));
        for (int i = 0; i < k; i++) outs.add(be.add(acc.get(i), d.get(i)));
        outs.addAll(d.subList(k + m, k + m + xl));
        Program newBody = Passes.simplify(b.build(outs));

        List<Atom> operands = new ArrayList<>();
        for (int i = 0; i < m; i++) operands.add(cts.get(i) != null ? cts.get(i) : e.zeros(resultTypes.get(i)));
        for (int i = 0; i < k; i++) operands.add(e.zeros(operandTypes.get(i)));
        operands.addAll(x.subList(k + m + xl, x.size()));
        for (int i = 0; i < ny; i++) operands.add(cts.get(m + i) != null ? cts.get(m + i) : e.zeros(resultTypes.get(m + i)));
        Params np = Params.of("body", newBody, "length", n, "reverse", !p.getBool("reverse"), "nconsts", 0, "ncarry", m + k);
        List<Var> r = e.ops(Primitive.SCAN, np, operands);
        List<Atom> result = new ArrayList<>();
        for (int i = 0; i < k; i++) result.add(lin[i] ? r.get(m + i) : null);
        for (int i = 0; i < m; i++) result.add(lin[k + i] ? r.get(i) : null);
        for (int i = 0; i < xl; i++) result.add(r.get(m + k + i));
        for (int i = 0; i < xr; i++) result.add(null);
        return result;
    }

    private static AbstractArray rowType(AbstractArray stacked) {
        int[] d = stacked.shape().dims();
        return stacked.withShape(Shape.of(Arrays.copyOfRange(d, 1, d.length)));
    }

    private static boolean[] not(boolean[] a) {
        boolean[] r = new boolean[a.length];
        for (int i = 0; i < a.length; i++) r[i] = !a[i];
        return r;
    }

    private static int count(boolean[] m, int from, int n) {
        int c = 0;
        for (int i = from; i < from + n; i++) if (m[i]) c++;
        return c;
    }
}
