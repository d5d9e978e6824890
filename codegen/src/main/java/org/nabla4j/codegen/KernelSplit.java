package org.nabla4j.codegen;

import java.util.ArrayList;
import java.util.List;

/**
 * How a fused loop is split into independent parts. A kernel method takes a range {@code [lo, hi)}:
 * of the outer index, or of the inner index when the loop nest has one dimension. Elementwise
 * loops always split; a reduction splits only when each output element gets all its terms from one
 * outer iteration (rows reduced along the inner axis), so parts never write the same element.
 */
final class KernelSplit {
    private KernelSplit() {}

    /** The kernel's loop nest over its loads' and output's accesses. */
    static LoopNest nestOf(Kernel k) {
        List<LoopExpr.Access> accesses = new ArrayList<>();
        for (LoopExpr.Load l : LoopExpr.loads(k.body())) if (!accesses.contains(l.access())) accesses.add(l.access());
        accesses.add(outAccess(k));
        return LoopNest.of(k.shape(), accesses);
    }

    static LoopExpr.Access outAccess(Kernel k) {
        return k instanceof Kernel.Reduce r ? r.outAccess() : LoopExpr.Access.rowMajor(k.shape());
    }

    /** The range is over the inner index: a one-dimensional elementwise loop. */
    static boolean splitsInner(Kernel k, LoopNest nest) {
        return k instanceof Kernel.Elementwise && nest.rank() <= 1;
    }

    /** The full range the kernel method is called with. */
    static int range(Kernel k) {
        LoopNest nest = nestOf(k);
        return splitsInner(k, nest) ? nest.inner() : nest.outer();
    }

    /** A reduction along the inner axis whose outer axes are all kept: each output element is visited by one outer iteration. */
    static boolean assignsEachOutputOnce(Kernel k, LoopNest nest) {
        if (!(k instanceof Kernel.Reduce) || nest.rank() < 2) return false;
        LoopExpr.Access out = outAccess(k);
        if (nest.innerStride(out) != 0) return false;
        int[] s = nest.strides.get(out);
        for (int d = 0; d < s.length - 1; d++) if (s[d] == 0) return false;
        return true;
    }

    /** Whether the kernel is large and splittable enough to run in parallel parts. */
    static boolean parallel(Kernel k, BytecodeEmitter.Options options) {
        if (options.parallelThreshold() <= 0 || Runtime.getRuntime().availableProcessors() < 2) return false;
        long elements = 1;
        for (int d : k.shape()) elements *= d;
        if (elements < options.parallelThreshold()) return false;
        LoopNest nest = nestOf(k);
        boolean splittable = k instanceof Kernel.Elementwise || assignsEachOutputOnce(k, nest);
        return splittable && (splitsInner(k, nest) ? nest.inner() : nest.outer()) >= 2;
    }
}
