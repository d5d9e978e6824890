package org.nabla4j.codegen;

import java.util.ArrayList;
import java.util.List;
import org.nabla4j.codegen.kernels.Activation;
import org.nabla4j.codegen.kernels.Epilogue;
import org.nabla4j.codegen.kernels.MatmulSpec;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Atom;
import org.nabla4j.ir.Equation;
import org.nabla4j.ir.Literal;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.Var;

/**
 * A matmul and the elementwise equations after it that the GEMM can apply to each tile as its
 * {@link Epilogue}: {@code y = activation(dot(a, b) + bias)}, as a dense layer traces:
 *
 * <pre>{@code
 * c:f32[B,N] = dot_general[lhs_contract=(1) rhs_contract=(0) lhs_batch=() rhs_batch=()] x w
 * d:f32[B,N] = broadcast_in_dim[shape=(B, N) dims=(1)] b
 * e:f32[B,N] = add c d
 * y:f32[B,N] = tanh e                                   (or max e 0.0, or nothing)
 * }</pre>
 *
 * Found on the program alone: each intermediate is used once, by the next equation of the chain,
 * so no one else needs it in memory. Whether the bias is a vector the kernel can read is known
 * only once the planner has its buffer ({@link #epilogue}); when it is not, the planner plans the
 * equations one by one.
 *
 * @param dot a dot_general on the GEMM: a layout {@link DotStep} takes, with m and n above 1
 *     (products with a vector have faster paths of their own)
 * @param add the dot's only use: {@code add dot bias} or {@code add bias dot}, all of one type
 * @param bias the add's other operand
 * @param activation the add's only use, {@code tanh} or {@code max(·, +0.0)} (relu); null when
 *     the chain ends at the add
 */
record EpilogueChain(Equation dot, Equation add, Var bias, Equation activation) {

    /**
     * The chain that starts at {@code dot}, or null.
     *
     * @param uses per var, its uses in the program (outputs count as two)
     * @param consumers per var, the last equation that uses it
     */
    static EpilogueChain match(Program p, Equation dot, int[] uses, Equation[] consumers) {
        if (dot.primitive() != Primitive.DOT_GENERAL || !(dot.operands().get(0) instanceof Var)
                || !(dot.operands().get(1) instanceof Var)) return null;
        MatmulSpec spec = DotStep.spec(dot.params(), p.type(dot.operands().get(0)), p.type(dot.operands().get(1)));
        if (spec == null || spec.m() < 2 || spec.n() < 2) return null;
        Var product = dot.result();
        Equation add = onlyUse(product, uses, consumers);
        if (add == null || add.primitive() != Primitive.ADD) return null;
        Atom other = add.operands().get(add.operands().get(0).equals(product) ? 1 : 0);
        AbstractArray type = p.type(product);
        if (!(other instanceof Var bias) || !p.type(bias).equals(type) || !p.type(add.result()).equals(type)) return null;
        Equation next = onlyUse(add.result(), uses, consumers);
        // An f32 tanh stays a fused loop after the product: the loop's rational tanh (VectorOps) is
        // faster than the kernel's lanewise TANH, and it reads the product while it is in cache.
        boolean f32Tanh = next != null && next.primitive() == Primitive.TANH && type.dtype() == org.nabla4j.DType.F32;
        Equation activation = next != null && !f32Tanh && activationOf(next, add.result()) != Activation.NONE
                && p.type(next.result()).equals(type) ? next : null;
        return new EpilogueChain(dot, add, bias, activation);
    }

    /** The chain's equations in program order. */
    List<Equation> equations() {
        List<Equation> all = new ArrayList<>(List.of(dot, add));
        if (activation != null) all.add(activation);
        return all;
    }

    /** The last equation: its result is the chain's. */
    Equation last() {
        return activation != null ? activation : add;
    }

    /**
     * The epilogue for a bias read from its buffer at {@code offset + Σ index[d]·strides[d]} over
     * the product's shape (batch axes, then the rows' axes, then the columns'), or null when that
     * is not one vector along n or along m, the same for every batch.
     */
    Epilogue epilogue(Program p, int[] strides) {
        Epilogue.Bias axis = biasAxis(p, strides);
        return axis == null ? null : Epilogue.of(axis, activation == null ? Activation.NONE : activationOf(activation, add.result()));
    }

    private Epilogue.Bias biasAxis(Program p, int[] strides) {
        int[] shape = p.type(dot.result()).shape().dims();
        // The product's axes: [0, batch) the batch, [batch, columns) the rows (lhs free), then the columns (rhs free).
        int batch = dot.params().getInts("lhs_batch").length;
        int columns = p.type(dot.operands().get(0)).rank() - dot.params().getInts("lhs_contract").length;
        if (isBroadcast(shape, strides, 0, columns) && isContiguous(shape, strides, columns, shape.length)) return Epilogue.Bias.ALONG_N;
        if (isBroadcast(shape, strides, 0, batch) && isContiguous(shape, strides, batch, columns)
                && isBroadcast(shape, strides, columns, shape.length)) return Epilogue.Bias.ALONG_M;
        return null;
    }

    /** Axes {@code [from, to)} do not move through the buffer. */
    private static boolean isBroadcast(int[] shape, int[] strides, int from, int to) {
        for (int d = from; d < to; d++) if (shape[d] != 1 && strides[d] != 0) return false;
        return true;
    }

    /** Axes {@code [from, to)} walk the buffer row-major, one element after the other. */
    private static boolean isContiguous(int[] shape, int[] strides, int from, int to) {
        int expected = 1;
        for (int d = to - 1; d >= from; d--) {
            if (shape[d] != 1 && strides[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }

    /** What {@code e} does to {@code x}: tanh, relu ({@code max} with a literal +0.0 on either side), or NONE for anything else. */
    private static Activation activationOf(Equation e, Var x) {
        if (e.primitive() == Primitive.TANH) return Activation.TANH;
        if (e.primitive() != Primitive.MAX) return Activation.NONE;
        Atom a = e.operands().get(0), b = e.operands().get(1);
        Atom other = a.equals(x) ? b : b.equals(x) ? a : null;
        // -0.0 would differ from the kernel's max(v, +0.0) in the sign of a zero result.
        boolean zero = other instanceof Literal l && l.dtype().isFloating() && Double.doubleToRawLongBits(l.asDouble()) == 0;
        return zero ? Activation.RELU : Activation.NONE;
    }

    private static Equation onlyUse(Var v, int[] uses, Equation[] consumers) {
        return uses[v.id()] == 1 ? consumers[v.id()] : null;
    }
}
