package org.nabla4j.autodiff;

import java.util.ArrayList;
import java.util.List;
import org.nabla4j.ir.Atom;
import org.nabla4j.ir.Passes;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.ProgramBuilder;
import org.nabla4j.ir.Var;

/**
 * Automatic differentiation as program transforms. Forward mode is {@link #jvp}; reverse mode is
 * JVP, then partial evaluation into a known and a linear part, then transposition of the linear
 * part ({@link #vjp}). Every result is simplified (folded, CSE'd, dead code removed).
 */
public final class Autodiff {
    private Autodiff() {}

    /**
     * Forward mode: inputs {@code [p's inputs…, a tangent for each input with wrt[i]…]}, outputs
     * {@code [p's outputs…, their tangents…]}.
     */
    public static Program jvp(Program p, boolean[] wrt) {
        checkMask(p, wrt);
        return Passes.simplify(Jvp.jvp(p, wrt));
    }

    /**
     * Reverse mode: inputs {@code [p's inputs…, a cotangent for each output…]}, outputs
     * {@code [p's outputs…, the cotangent of each input with wrt[i]…]}.
     */
    public static Program vjp(Program p, boolean[] wrt) {
        return Passes.simplify(vjpUnsimplified(p, wrt));
    }

    /** {@link #vjp} before the final simplification: what the transforms emit, for inspection and tests. */
    public static Program vjpUnsimplified(Program p, boolean[] wrt) {
        checkMask(p, wrt);
        int tangents = 0;
        for (boolean w : wrt) if (w) tangents++;
        Program jvp = Jvp.jvp(p, wrt);
        PartialEval split = PartialEval.split(jvp, p.inputs().size(), p.outputs().size());
        Program transposed = Transpose.transpose(split.linear(), tangents);

        ProgramBuilder b = new ProgramBuilder();
        List<Atom> consts = new ArrayList<>();
        for (Var v : p.constVars()) consts.add(b.constVar(p.type(v)));
        List<Atom> inputs = new ArrayList<>();
        for (Var v : p.inputs()) inputs.add(b.input(p.type(v)));
        List<Atom> cts = new ArrayList<>();
        for (Atom o : p.outputs()) cts.add(b.input(p.type(o)));
        List<Atom> knownOut = b.inline(split.known(), consts, inputs);
        List<Atom> primalOut = knownOut.subList(0, p.outputs().size());
        List<Atom> residuals = knownOut.subList(p.outputs().size(), knownOut.size());
        List<Atom> transposedArgs = new ArrayList<>(residuals);
        transposedArgs.addAll(cts);
        List<Atom> grads = b.inline(transposed, List.of(), transposedArgs);
        List<Atom> outs = new ArrayList<>(primalOut);
        outs.addAll(grads);
        return b.build(outs);
    }

    /** True when forward mode can differentiate {@code p} (a JVP rule or a known-zero derivative). */
    public static boolean hasJvpRule(Primitive p) { return JvpRules.has(p); }

    /** True when a linear use of {@code p} can be transposed (cond and scan are transposed sub-program by sub-program). */
    public static boolean hasTransposeRule(Primitive p) {
        return TransposeRules.has(p) || p == Primitive.COND || p == Primitive.SCAN;
    }

    private static void checkMask(Program p, boolean[] wrt) {
        if (wrt.length != p.inputs().size()) {
            throw new IllegalArgumentException("mask has " + wrt.length + " entries for " + p.inputs().size() + " inputs");
        }
        for (int i = 0; i < wrt.length; i++) {
            if (wrt[i] && !p.type(p.inputs().get(i)).dtype().isFloating()) {
                throw new IllegalArgumentException("input " + i + " of type " + p.type(p.inputs().get(i)) + " is not floating point");
            }
        }
    }
}
