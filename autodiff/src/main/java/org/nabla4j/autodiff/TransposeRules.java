package org.nabla4j.autodiff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Axes;
import org.nabla4j.ir.Atom;
import org.nabla4j.ir.Emitter;
import org.nabla4j.ir.Params;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.Shape;

/** The transpose rule table: one short block per linear primitive. */
final class TransposeRules {
    private static final Map<Primitive, TransposeRule> RULES = new EnumMap<>(Primitive.class);

    private TransposeRules() {}

    static TransposeRule get(Primitive p) { return RULES.get(p); }

    static boolean has(Primitive p) { return RULES.containsKey(p); }

    private static void def(Primitive p, TransposeRule r) {
        if (RULES.put(p, r) != null) throw new IllegalStateException("transpose rule for " + p + " defined twice");
    }

    private static List<Atom> one(int n, int at, Atom ct) {
        List<Atom> out = new ArrayList<>(java.util.Collections.nCopies(n, (Atom) null));
        out.set(at, ct);
        return out;
    }

    static {
        def(Primitive.NEG, (e, p, x, ty, lin, ct) -> List.of(e.neg(ct)));
        def(Primitive.CONVERT_ELEMENT_TYPE, (e, p, x, ty, lin, ct) -> List.of(e.convert(ct, ty.getFirst().dtype())));
        def(Primitive.ADD, (e, p, x, ty, lin, ct) -> Arrays.asList(
                lin[0] ? unbroadcast(e, ct, ty.get(0)) : null, lin[1] ? unbroadcast(e, ct, ty.get(1)) : null));
        def(Primitive.SUB, (e, p, x, ty, lin, ct) -> Arrays.asList(
                lin[0] ? unbroadcast(e, ct, ty.get(0)) : null, lin[1] ? unbroadcast(e, e.neg(ct), ty.get(1)) : null));
        def(Primitive.MUL, (e, p, x, ty, lin, ct) -> {
            requireOneLinear(Primitive.MUL, lin);
            int l = lin[0] ? 0 : 1;
            return one(2, l, unbroadcast(e, e.mul(ct, x.get(1 - l)), ty.get(l)));
        });
        def(Primitive.DIV, (e, p, x, ty, lin, ct) -> {
            if (lin[1]) throw new IllegalStateException("div is not linear in its divisor");
            return one(2, 0, unbroadcast(e, e.div(ct, x.get(1)), ty.get(0)));
        });
        def(Primitive.SELECT_N, (e, p, x, ty, lin, ct) -> {
            if (lin[0]) throw new IllegalStateException("select_n is not linear in its predicate");
            List<Atom> out = new ArrayList<>();
            out.add(null);
            Atom zeros = e.zeros(e.type(ct));
            for (int i = 1; i < x.size(); i++) {
                if (!lin[i]) {
                    out.add(null);
                    continue;
                }
                Atom[] cases = new Atom[x.size()];
                cases[0] = x.getFirst();
                for (int j = 1; j < x.size(); j++) cases[j] = j == i ? ct : zeros;
                out.add(e.op(Primitive.SELECT_N, cases));
            }
            return out;
        });
        def(Primitive.BROADCAST_IN_DIM, (e, p, x, ty, lin, ct) -> {
            Shape in = ty.getFirst().shape();
            int[] dims = p.getInts("dims");
            Shape out = e.shape(ct);
            List<Integer> summed = new ArrayList<>();
            for (int d = 0; d < out.rank(); d++) {
                final int axis = d;
                int k = java.util.stream.IntStream.range(0, dims.length).filter(i -> dims[i] == axis).findFirst().orElse(-1);
                if (k < 0 || (in.dim(k) == 1 && out.dim(d) != 1)) summed.add(d);
            }
            Atom s = e.reduceSum(ct, summed.stream().mapToInt(Integer::intValue).toArray());
            return List.of(e.reshape(s, in));
        });
        def(Primitive.RESHAPE, (e, p, x, ty, lin, ct) -> List.of(e.reshape(ct, ty.getFirst().shape())));
        def(Primitive.SQUEEZE, (e, p, x, ty, lin, ct) -> List.of(e.reshape(ct, ty.getFirst().shape())));
        def(Primitive.EXPAND_DIMS, (e, p, x, ty, lin, ct) -> List.of(e.reshape(ct, ty.getFirst().shape())));
        def(Primitive.TRANSPOSE, (e, p, x, ty, lin, ct) -> List.of(e.transpose(ct, Emitter.inverse(p.getInts("permutation")))));
        def(Primitive.REDUCE_SUM, (e, p, x, ty, lin, ct) -> {
            Shape in = ty.getFirst().shape();
            return List.of(e.broadcastInDim(ct, in, Axes.complement(in.rank(), p.getInts("axes"))));
        });
        def(Primitive.CUMSUM, (e, p, x, ty, lin, ct) ->
                List.of(e.op(Primitive.CUMSUM, p.with("reverse", !p.getBool("reverse")), ct)));
        def(Primitive.SLICE, (e, p, x, ty, lin, ct) -> {
            Shape in = ty.getFirst().shape();
            int[] start = p.getInts("start"), strides = p.getInts("strides");
            int[] outDims = e.shape(ct).dims();
            int[] low = new int[in.rank()], high = new int[in.rank()], interior = new int[in.rank()];
            for (int d = 0; d < in.rank(); d++) {
                low[d] = start[d];
                interior[d] = strides[d] - 1;
                int covered = outDims[d] == 0 ? 0 : start[d] + (outDims[d] - 1) * strides[d] + 1;
                high[d] = in.dim(d) - covered - (outDims[d] == 0 ? start[d] : 0);
                if (outDims[d] == 0) interior[d] = 0;
            }
            return List.of(e.op(Primitive.PAD, Params.of("low", low, "high", high, "interior", interior), ct, e.scalarLike(ct, 0)));
        });
        def(Primitive.PAD, (e, p, x, ty, lin, ct) -> {
            Shape in = ty.getFirst().shape();
            int[] low = p.getInts("low"), high = p.getInts("high"), interior = p.getInts("interior");
            int r = in.rank();
            int[] negLow = new int[r], negHigh = new int[r], zero = new int[r], start = new int[r], limit = new int[r], step = new int[r];
            for (int d = 0; d < r; d++) {
                negLow[d] = -low[d];
                negHigh[d] = -high[d];
                step[d] = interior[d] + 1;
                limit[d] = in.dim(d) == 0 ? 0 : (in.dim(d) - 1) * step[d] + 1;
            }
            Atom unpadded = e.op(Primitive.PAD, Params.of("low", negLow, "high", negHigh, "interior", zero), ct, e.scalarLike(ct, 0));
            Atom ctOperand = e.op(Primitive.SLICE, Params.of("start", start, "limit", limit, "strides", step), unpadded);
            Atom ctPad = null;
            if (lin[1]) {
                ctPad = e.sub(e.reduceSum(ct, Emitter.range(e.shape(ct).rank())), e.reduceSum(ctOperand, Emitter.range(r)));
            }
            return Arrays.asList(lin[0] ? ctOperand : null, ctPad);
        });
        def(Primitive.CONCATENATE, (e, p, x, ty, lin, ct) -> {
            int dim = p.getInt("dimension");
            int[] limit = e.shape(ct).dims();
            int[] strides = new int[limit.length];
            Arrays.fill(strides, 1);
            List<Atom> out = new ArrayList<>();
            int offset = 0;
            for (int i = 0; i < x.size(); i++) {
                int size = ty.get(i).shape().dim(dim);
                if (lin[i]) {
                    int[] start = new int[limit.length], lim = limit.clone();
                    start[dim] = offset;
                    lim[dim] = offset + size;
                    out.add(e.op(Primitive.SLICE, Params.of("start", start, "limit", lim, "strides", strides), ct));
                } else {
                    out.add(null);
                }
                offset += size;
            }
            return out;
        });
        def(Primitive.DYNAMIC_SLICE, (e, p, x, ty, lin, ct) -> {
            List<Atom> ops = new ArrayList<>();
            ops.add(e.zeros(ty.getFirst()));
            ops.add(ct);
            ops.addAll(x.subList(1, x.size()));
            List<Atom> out = new ArrayList<>(java.util.Collections.nCopies(x.size(), (Atom) null));
            out.set(0, e.op(Primitive.DYNAMIC_UPDATE_SLICE, ops.toArray(Atom[]::new)));
            return out;
        });
        def(Primitive.DYNAMIC_UPDATE_SLICE, (e, p, x, ty, lin, ct) -> {
            List<Atom> out = new ArrayList<>(java.util.Collections.nCopies(x.size(), (Atom) null));
            List<Atom> starts = x.subList(2, x.size());
            if (lin[0]) {
                List<Atom> ops = new ArrayList<>(List.of(ct, e.zeros(ty.get(1))));
                ops.addAll(starts);
                out.set(0, e.op(Primitive.DYNAMIC_UPDATE_SLICE, ops.toArray(Atom[]::new)));
            }
            if (lin[1]) {
                List<Atom> ops = new ArrayList<>(List.of(ct));
                ops.addAll(starts);
                out.set(1, e.op(Primitive.DYNAMIC_SLICE, Params.of("sizes", ty.get(1).shape()), ops.toArray(Atom[]::new)));
            }
            return out;
        });
        def(Primitive.GATHER, (e, p, x, ty, lin, ct) ->
                Arrays.asList(e.op(Primitive.SCATTER_ADD, p, e.zeros(ty.getFirst()), x.get(1), ct), null));
        def(Primitive.SCATTER_ADD, (e, p, x, ty, lin, ct) -> Arrays.asList(
                lin[0] ? ct : null, null, lin[2] ? e.op(Primitive.GATHER, p, ct, x.get(1)) : null));
        def(Primitive.DOT_GENERAL, TransposeRules::dotTranspose);
    }

    private static void requireOneLinear(Primitive p, boolean[] lin) {
        if (lin[0] && lin[1]) throw new IllegalStateException(p + " of two linear operands is not linear");
    }

    /** Sums a cotangent down to a rank-0 operand that was broadcast in an elementwise op. */
    static Atom unbroadcast(Emitter e, Atom ct, AbstractArray operand) {
        Shape s = e.shape(ct);
        if (s.equals(operand.shape())) return ct;
        return e.reshape(e.reduceSum(ct, Emitter.range(s.rank())), operand.shape());
    }

    /**
     * dot_general's output is [batch, lhs free, rhs free]. The lhs cotangent contracts the
     * cotangent's rhs-free axes with rhs's free axes, giving [batch, lhs free, lhs contract (in rhs
     * axis order)], then transposes into lhs's axis order; symmetrically for rhs.
     */
    private static List<Atom> dotTranspose(Emitter e, Params p, List<Atom> x, List<AbstractArray> ty, boolean[] lin, Atom ct) {
        requireOneLinear(Primitive.DOT_GENERAL, lin);
        int[] lc = p.getInts("lhs_contract"), rc = p.getInts("rhs_contract"), lb = p.getInts("lhs_batch"), rb = p.getInts("rhs_batch");
        int lr = ty.get(0).rank(), rr = ty.get(1).rank();
        int[] lf = Axes.complement(lr, lc, lb), rf = Axes.complement(rr, rc, rb);
        int nb = lb.length;
        int[] batchPos = Emitter.range(nb);
        if (lin[0]) {
            int[] ctRhsFree = rangeFrom(nb + lf.length, rf.length);
            Atom d = e.dot(ct, x.get(1), ctRhsFree, rf, batchPos, rb);
            // result axes: batch (lb order), lf, then the contracted lhs axes ordered by their rhs partner axis
            int[] order = new int[lr];
            int k = 0;
            for (int a : lb) order[k++] = a;
            for (int a : lf) order[k++] = a;
            for (int rAxis : sorted(rc)) order[k++] = lc[indexOf(rc, rAxis)];
            return Arrays.asList(e.transpose(d, Emitter.inverse(order)), null);
        }
        int[] ctLhsFree = rangeFrom(nb, lf.length);
        Atom d = e.dot(ct, x.get(0), ctLhsFree, lf, batchPos, lb);
        int[] order = new int[rr];
        int k = 0;
        for (int a : rb) order[k++] = a;
        for (int a : rf) order[k++] = a;
        for (int lAxis : sorted(lc)) order[k++] = rc[indexOf(lc, lAxis)];
        return Arrays.asList(null, e.transpose(d, Emitter.inverse(order)));
    }


    private static int[] rangeFrom(int start, int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = start + i;
        return r;
    }

    private static int[] sorted(int[] a) {
        int[] s = a.clone();
        Arrays.sort(s);
        return s;
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) if (a[i] == v) return i;
        throw new IllegalArgumentException();
    }
}
