package org.nabla4j.codegen;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs consecutive fused loops over the same rows block by block: {@code for each block of rows:
 * loop 1 on the block, loop 2 on the block, …} instead of each loop over all rows in turn. A row
 * softmax (max, exp, sum, divide over a matrix) then keeps each block's intermediate values in
 * cache: the matrix is read once and the result written once, instead of every intermediate
 * array making a round trip to memory.
 *
 * <p>A loop joins a group when its loop nest is rows × columns with the group's number of rows,
 * it can run on any range of rows (elementwise, or reducing each row), and everything it reads
 * from earlier loops of the group was written by them for the same row. One-dimensional
 * elementwise loops group the same way, element by element.
 */
final class RowBlocking {
    /** Elements per block and loop: a few blocks of this size stay in a core's L2 cache. */
    static final int BLOCK_ELEMENTS = 16 * 1024;
    /** At most this many loops per group, so the group's method stays small (a call of each per block). */
    static final int MAX_KERNELS = 32;

    private RowBlocking() {}

    static Plan apply(Plan plan) {
        return new Plan(plan.slots(), plan.constSlots(), plan.inputSlots(), group(plan.steps()), plan.outputs());
    }

    private static List<Plan.Step> group(List<Plan.Step> steps) {
        List<Plan.Step> out = new ArrayList<>();
        List<Kernel> run = new ArrayList<>();
        for (Plan.Step s : steps) {
            if (s instanceof Plan.KernelStep ks && run.size() < MAX_KERNELS && joins(run, ks.kernel())) {
                run.add(ks.kernel());
                continue;
            }
            flush(run, out);
            if (s instanceof Plan.KernelStep ks && rowsOf(ks.kernel()) > 0) {
                run.add(ks.kernel());
            } else {
                out.add(recurse(s));
            }
        }
        flush(run, out);
        return out;
    }

    private static Plan.Step recurse(Plan.Step s) {
        return switch (s) {
            case Plan.ScanStep sc -> new Plan.ScanStep(sc.loop(), group(sc.body()));
            case Plan.WhileStep w -> new Plan.WhileStep(w.loop(), group(w.cond()), group(w.body()));
            case Plan.CondStep c -> new Plan.CondStep(c.branch(), c.branches().stream().map(RowBlocking::group).toList());
            default -> s;
        };
    }

    private static void flush(List<Kernel> run, List<Plan.Step> out) {
        if (run.size() == 1) {
            out.add(new Plan.KernelStep(run.getFirst()));
        } else if (run.size() > 1) {
            int rows = rowsOf(run.getFirst()), widest = 1;
            boolean elements = KernelSplit.nestOf(run.getFirst()).rank() == 1;
            for (Kernel k : run) widest = elements ? 1 : Math.max(widest, KernelSplit.nestOf(k).inner());
            out.add(new Plan.RowBlockStep(List.copyOf(run), rows, Math.max(1, Math.min(rows, BLOCK_ELEMENTS / widest))));
        }
        run.clear();
    }

    /** Whether the group is large enough to run in parallel parts of rows (as {@link KernelSplit#parallel} for one loop). */
    static boolean parallel(Plan.RowBlockStep group, BytecodeEmitter.Options options) {
        if (options.parallelThreshold() <= 0 || Runtime.getRuntime().availableProcessors() < 2 || group.rows() < 2) return false;
        long elements = 0;
        for (Kernel k : group.kernels()) {
            long n = 1;
            for (int d : k.shape()) n *= d;
            elements = Math.max(elements, n);
        }
        return elements >= options.parallelThreshold();
    }

    /**
     * The number of rows a kernel can be run on in any range of, or 0 if it cannot join a group.
     * A one-dimensional elementwise loop counts each element as a row.
     */
    static int rowsOf(Kernel k) {
        LoopNest nest = KernelSplit.nestOf(k);
        if (nest.rank() == 1 && k instanceof Kernel.Elementwise) return nest.inner();
        if (nest.rank() != 2) return 0;
        if (k instanceof Kernel.Reduce && !KernelSplit.assignsEachOutputOnce(k, nest)) return 0;
        return nest.outer();
    }

    /** Whether k can run block by block after the group's kernels: same rows, and it reads their results row by row. */
    private static boolean joins(List<Kernel> group, Kernel k) {
        if (group.isEmpty() || rowsOf(k) != rowsOf(group.getFirst())) return false;
        LoopNest nest = KernelSplit.nestOf(k);
        if (nest.rank() != KernelSplit.nestOf(group.getFirst()).rank()) return false;
        Map<Integer, Kernel> producers = new HashMap<>();
        for (Kernel g : group) producers.put(g.outSlot(), g);
        for (LoopExpr.Load load : LoopExpr.loads(k.body())) {
            Kernel producer = producers.get(load.slot());
            if (producer == null) continue;
            LoopNest pn = KernelSplit.nestOf(producer);
            int[] written = pn.strides.get(KernelSplit.outAccess(producer));
            int[] read = nest.strides.get(load.access());
            boolean sameRow = load.access().offset() == 0 && read[0] == written[0];
            boolean withinRow = nest.rank() == 1 || read[1] == 0 || (read[1] == written[1] && nest.inner() <= pn.inner());
            if (!sameRow || !withinRow) return false;
        }
        return true;
    }
}
