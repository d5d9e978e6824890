package org.nabla4j.codegen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A kernel's iteration space after merging adjacent dimensions that every access walks
 * contiguously and dropping size-1 dimensions. The innermost dimension is the loop the emitter
 * vectorises; {@code outer} is the product of the others.
 */
final class LoopNest {
    final int[] shape;
    /** Distinct accesses (loads and the output), each with strides over {@link #shape}. */
    final Map<LoopExpr.Access, int[]> strides = new LinkedHashMap<>();

    private LoopNest(int[] shape) {
        this.shape = shape;
    }

    static LoopNest of(int[] shape, List<LoopExpr.Access> accesses) {
        List<Integer> keep = new ArrayList<>();
        for (int d = 0; d < shape.length; d++) if (shape[d] != 1) keep.add(d);
        // groups of original dims that become one collapsed dim
        List<List<Integer>> groups = new ArrayList<>();
        for (int d : keep) {
            if (!groups.isEmpty()) {
                List<Integer> last = groups.getLast();
                int prev = last.getLast();
                boolean mergeable = true;
                for (LoopExpr.Access a : accesses) {
                    if (a.strides()[prev] != a.strides()[d] * shape[d]) {
                        mergeable = false;
                        break;
                    }
                }
                if (mergeable) {
                    last.add(d);
                    continue;
                }
            }
            groups.add(new ArrayList<>(List.of(d)));
        }
        int[] collapsed = new int[groups.size()];
        for (int g = 0; g < groups.size(); g++) {
            int n = 1;
            for (int d : groups.get(g)) n *= shape[d];
            collapsed[g] = n;
        }
        LoopNest nest = new LoopNest(collapsed);
        for (LoopExpr.Access a : accesses) {
            int[] s = new int[groups.size()];
            for (int g = 0; g < groups.size(); g++) s[g] = a.strides()[groups.get(g).getLast()];
            nest.strides.put(a, s);
        }
        return nest;
    }

    int rank() { return shape.length; }

    int inner() { return shape.length == 0 ? 1 : shape[shape.length - 1]; }

    int outer() {
        int n = 1;
        for (int d = 0; d < shape.length - 1; d++) n *= shape[d];
        return n;
    }

    int innerStride(LoopExpr.Access a) {
        int[] s = strides.get(a);
        return s.length == 0 ? 0 : s[s.length - 1];
    }
}
