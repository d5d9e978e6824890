package org.nabla4j.ir;

/** Axis-list arithmetic shared by the rule tables. */
public final class Axes {
    private Axes() {}

    /**
     * {@code 0, 1, …, rank-1} without the axes in any of the given lists, in increasing order: the
     * kept axes of a reduction, or the free axes of a dot_general operand.
     */
    public static int[] complement(int rank, int[]... excluded) {
        boolean[] out = new boolean[rank];
        for (int[] list : excluded) for (int a : list) out[a] = true;
        int n = 0;
        for (boolean o : out) if (!o) n++;
        int[] result = new int[n];
        int k = 0;
        for (int d = 0; d < rank; d++) if (!out[d]) result[k++] = d;
        return result;
    }
}
