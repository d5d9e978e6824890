package org.nabla4j.codegen.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The outer loops of the blocked GEMM (GotoBLAS / BLIS order) and the split across threads.
 *
 * <pre>
 * for each batch t, for jc in steps of nc:        B block kc × nc, packed once, lives in L3
 *   for pc in steps of kc:                        the k blocks; C accumulates between them
 *     pack B[pc.., jc..]
 *     for ic in steps of mc:                      A block mc × kc, packed, lives in L2
 *       pack A[ic.., pc..]; kernel.block(...)     tile loops; a B panel stays in L1
 * </pre>
 *
 * A multi-threaded call cuts the output into one independent part per thread (along the batch
 * when there are enough batches, else along the longer of m and n in whole tiles); each part runs
 * the loops above with its own packing buffers. The caller and the {@link Workers} take the parts.
 */
final class GemmDriver {
    private GemmDriver() {}

    /** Below this much work per thread, splitting costs more than it saves. */
    private static final double MIN_FLOPS_PER_TASK = 1 << 21;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** The most parts a call is cut into: one per core (at least two, so splitting is always testable). */
    private static final int MAX_PARTS = Math.max(2, Runtime.getRuntime().availableProcessors());

    /** One call's arguments, for the parts that run on other threads. */
    private record Call(TileKernel kernel, MatmulSpec spec, Object a, int aOff, Object b, int bOff,
                        Object c, int cOff, Object bias, int biasOff) {
        void part(int index, int parts) {
            int batch = spec.batch(), m = spec.m(), n = spec.n();
            if (batch >= parts) {
                run(this, share(batch, index, parts), share(batch, index + 1, parts), 0, m, 0, n);
            } else if (splitsRows(spec, kernel)) {
                int units = ceilDiv(m, kernel.mr());
                run(this, 0, batch, rowOf(units, index, parts, m), rowOf(units, index + 1, parts, m), 0, n);
            } else {
                int units = ceilDiv(n, kernel.nr());
                run(this, 0, batch, 0, m, columnOf(units, index, parts, n), columnOf(units, index + 1, parts, n));
            }
        }

        private int rowOf(int units, int index, int parts, int m) {
            return Math.min(m, share(units, index, parts) * kernel.mr());
        }

        private int columnOf(int units, int index, int parts, int n) {
            return Math.min(n, share(units, index, parts) * kernel.nr());
        }

        /** Where part {@code index} of {@code parts} starts among {@code count} items. */
        private static int share(int count, int index, int parts) {
            return (int) ((long) count * index / parts);
        }
    }

    /** Computes the call described in {@link Gemm}; arguments are already checked. */
    static void run(TileKernel kernel, MatmulSpec spec, Object a, int aOff, Object b, int bOff,
                    Object c, int cOff, Object bias, int biasOff) {
        if (spec.batch() == 0 || spec.m() == 0 || spec.n() == 0) return;
        spec = folded(spec);
        int parts = parts(spec, kernel);
        if (parts == 1) {
            loops(kernel, spec, a, aOff, b, bOff, c, cOff, bias, biasOff, 0, spec.batch(), 0, spec.m(), 0, spec.n());
            return;
        }
        if (SharedB.applies(spec, kernel)) {
            SharedB shared = new SharedB(kernel, spec, a, aOff, b, bOff, c, cOff, bias, biasOff, parts);
            inParallel(parts, part -> shared.pack());
            inParallel(parts, part -> shared.compute());
            return;
        }
        Call call = new Call(kernel, spec, a, aOff, b, bOff, c, cOff, bias, biasOff);
        inParallel(parts, part -> call.part(part, parts));
    }

    /** Runs {@code part(0..parts-1)} on the caller and the workers; returns when all are done. */
    private static void inParallel(int parts, IntConsumer part) {
        Workers.run(parts, part);
    }

    /** The most elements of a whole packed B that the parts of a call share (16 MiB of f32). */
    static final int SHARED_B_MAX = 1 << 22;

    /**
     * A multi-threaded product cut along m with B packed once for all parts: first the parts pack
     * the k blocks of B, taking blocks until none are left; then they take row blocks of C until
     * none are left, each packing its own A. A part on a core that is busy with something else
     * takes fewer blocks instead of holding up the call, and no part packs B again.
     */
    private static final class SharedB {
        private final TileKernel kernel;
        private final MatmulSpec s;
        private final Object a, b, c, bias;
        private final int aOff, bOff, cOff, biasOff, kc, rows;
        private final Object[] blocks;
        private final AtomicInteger nextPack = new AtomicInteger(), nextRow = new AtomicInteger();
        private final int parts;
        /** Panels of B per packing part. */
        private static final int PACK_PANELS = 8;

        /** One batch (after folding), cut along m, B a single column block that fits {@link #SHARED_B_MAX}. */
        static boolean applies(MatmulSpec s, TileKernel kernel) {
            long padded = (long) ceilDiv(s.n(), kernel.nr()) * kernel.nr();
            return s.batch() == 1 && s.n() > 1 && s.k() > 0 && s.n() <= kernel.nc() && splitsRows(s, kernel)
                    && padded * s.k() <= SHARED_B_MAX;
        }

        SharedB(TileKernel kernel, MatmulSpec s, Object a, int aOff, Object b, int bOff, Object c, int cOff,
                Object bias, int biasOff, int parts) {
            this.kernel = kernel;
            this.s = s;
            this.a = a;
            this.b = b;
            this.c = c;
            this.bias = bias;
            this.aOff = aOff;
            this.bOff = bOff;
            this.cOff = cOff;
            this.biasOff = biasOff;
            this.kc = blockDepth(s.k(), kernel.kc());
            this.parts = parts;
            // about four row blocks per part, in whole tiles, at most one packed A block
            int mr = kernel.mr();
            this.rows = Math.min(kernel.mc() / mr * mr, Math.max(mr, ceilDiv(ceilDiv(s.m(), 4 * parts), mr) * mr));
            int padded = ceilDiv(s.n(), kernel.nr()) * kernel.nr();
            this.blocks = SCRATCH.get().blocks(c instanceof double[], ceilDiv(s.k(), kc), kc * padded);
        }

        /**
         * Packs parts of B into {@link #blocks} until none are left: each k block in column chunks
         * of {@link #PACK_PANELS} panels, so two parts share even a single k block.
         */
        void pack() {
            int ldb = s.ldb(), chunk = PACK_PANELS * kernel.nr(), chunks = ceilDiv(s.n(), chunk), blockCount = ceilDiv(s.k(), kc);
            for (int u; (u = nextPack.getAndIncrement()) < blockCount * chunks; ) {
                int i = u / chunks, j0 = u % chunks * chunk, pc = i * kc, depth = Math.min(kc, s.k() - pc), width = Math.min(chunk, s.n() - j0);
                int bo = bOff + (s.transB() ? j0 * ldb + pc : pc * ldb + j0);
                kernel.packB(b, bo, ldb, s.transB(), depth, width, blocks[i], j0 * depth);
            }
        }

        /**
         * Rows per unit from row {@code i0} on: {@link #rows} while there is plenty left, then
         * smaller (a share of what is left, at least 16 rows), so the parts finish close together.
         */
        private int unitRows(int i0) {
            int mr = kernel.mr(), share = ceilDiv(ceilDiv(s.m() - i0, 2 * parts), mr) * mr;
            return Math.min(rows, Math.max(Math.max(mr, 16), share));
        }

        /** The first row of the next unit of rows, taken atomically; {@code m} when none is left. */
        private int claimRows() {
            while (true) {
                int i0 = nextRow.get();
                if (i0 >= s.m()) return s.m();
                if (nextRow.compareAndSet(i0, i0 + unitRows(i0))) return i0;
            }
        }

        /** Computes row blocks of C, all k blocks each, until none are left. */
        void compute() {
            boolean f64 = c instanceof double[];
            int mr = kernel.mr(), k = s.k(), lda = s.lda(), ldc = s.ldc();
            Scratch scratch = SCRATCH.get();
            Object packedA = scratch.get(Scratch.PACKED_A, f64, rows * kc);
            Object tile = scratch.get(Scratch.TILE, f64, mr * kernel.nr());
            int lastBits = TileMode.lastBlock(s.epilogue());
            boolean accumulate = s.epilogue().accumulate(), biasM = s.epilogue().bias() == Epilogue.Bias.ALONG_M;
            for (int i0; (i0 = claimRows()) < s.m(); ) {
                int mc = Math.min(unitRows(i0), s.m() - i0);
                for (int pc = 0, block = 0; pc < k; pc += kc, block++) {
                    int depth = Math.min(kc, k - pc), ao = aOff + (s.transA() ? pc * lda + i0 : i0 * lda + pc);
                    if (f64) Pack.packA((double[]) a, ao, lda, s.transA(), mc, depth, mr, (double[]) packedA);
                    else Pack.packA((float[]) a, ao, lda, s.transA(), mc, depth, mr, (float[]) packedA);
                    int mode = (pc > 0 || accumulate ? TileMode.LOAD_C : 0) | (pc + depth >= k ? lastBits : 0);
                    kernel.block(packedA, blocks[block], mc, s.n(), depth, c, cOff + i0 * ldc, ldc, mode,
                            bias, biasOff + (biasM ? i0 : 0), tile);
                }
            }
        }
    }

    /**
     * A batch of products with one shared B whose A and C batches lie one after another is one
     * taller product, {@code (batch·m × k) · (k × n)}: B is packed once instead of once per batch
     * (e.g. a dense layer applied to a batch of sequences). A bias along m is per batch row, so
     * it keeps the batch.
     */
    static MatmulSpec folded(MatmulSpec s) {
        boolean fold = s.batch() > 1 && s.strideB() == 0 && !s.transA() && s.epilogue().bias() != Epilogue.Bias.ALONG_M
                && s.strideA() == s.m() * s.lda() && s.strideC() == s.m() * s.ldc();
        if (!fold) return s;
        return new MatmulSpec(1, s.batch() * s.m(), s.n(), s.k(), false, s.transB(), s.lda(), s.ldb(), s.ldc(),
                0, 0, 0, s.epilogue(), s.threads());
    }

    /**
     * How many parts to cut the call into: at most the threads allowed, the cores (each part packs
     * its own B, so more parts than cores only add work), the work and the tiles.
     */
    static int parts(MatmulSpec spec, TileKernel kernel) {
        int parts = (int) Math.min(Math.min(spec.threads(), MAX_PARTS), Math.max(1, spec.flops() / MIN_FLOPS_PER_TASK));
        if (parts <= 1 || spec.batch() >= parts) return Math.max(parts, 1);
        int units = splitsRows(spec, kernel) ? ceilDiv(spec.m(), kernel.mr()) : ceilDiv(spec.n(), kernel.nr());
        return Math.min(parts, units);
    }

    /** Split along m when it has at least as many tiles as n: each part then packs only its rows of A. */
    private static boolean splitsRows(MatmulSpec spec, TileKernel kernel) {
        return ceilDiv(spec.m(), kernel.mr()) >= ceilDiv(spec.n(), kernel.nr());
    }

    private static void run(Call call, int b0, int b1, int i0, int i1, int j0, int j1) {
        loops(call.kernel, call.spec, call.a, call.aOff, call.b, call.bOff, call.c, call.cOff, call.bias, call.biasOff,
                b0, b1, i0, i1, j0, j1);
    }

    /** The blocked loops over batches {@code [b0,b1)}, rows {@code [i0,i1)} and columns {@code [j0,j1)}. */
    private static void loops(TileKernel kernel, MatmulSpec s, Object a, int aOff, Object b, int bOff,
                              Object c, int cOff, Object bias, int biasOff,
                              int b0, int b1, int i0, int i1, int j0, int j1) {
        if (b0 >= b1 || i0 >= i1 || j0 >= j1) return;
        boolean f64 = c instanceof double[];
        int mr = kernel.mr(), nr = kernel.nr(), k = s.k();
        if (s.n() == 1 && k > 0) {
            matvec(kernel, s, a, aOff, b, bOff, c, cOff, bias, biasOff, b0, b1, i0, i1, f64);
            return;
        }
        int mcMax = Math.min(kernel.mc(), i1 - i0), ncMax = Math.min(kernel.nc(), j1 - j0), kcMax = blockDepth(k, kernel.kc());
        Scratch scratch = SCRATCH.get();
        Object packedA = scratch.get(Scratch.PACKED_A, f64, ceilDiv(mcMax, mr) * mr * kcMax);
        Object packedB = scratch.get(Scratch.PACKED_B, f64, ceilDiv(ncMax, nr) * nr * kcMax);
        Object tile = scratch.get(Scratch.TILE, f64, mr * nr);
        int lastBits = TileMode.lastBlock(s.epilogue());
        boolean accumulate = s.epilogue().accumulate(), biasM = s.epilogue().bias() == Epilogue.Bias.ALONG_M;
        int lda = s.lda(), ldb = s.ldb(), ldc = s.ldc();
        for (int t = b0; t < b1; t++) {
            int at = aOff + t * s.strideA(), bt = bOff + t * s.strideB(), ct = cOff + t * s.strideC();
            for (int jc = j0; jc < j1; jc += ncMax) {
                int nc = Math.min(ncMax, j1 - jc);
                int pc = 0;
                do {
                    int kc = Math.min(kcMax, k - pc);
                    int bo = bt + (s.transB() ? jc * ldb + pc : pc * ldb + jc);
                    kernel.packB(b, bo, ldb, s.transB(), kc, nc, packedB, 0);
                    int mode = (pc > 0 || accumulate ? TileMode.LOAD_C : 0) | (pc + kc >= k ? lastBits : 0);
                    for (int ic = i0; ic < i1; ic += mcMax) {
                        int mc = Math.min(mcMax, i1 - ic);
                        int ao = at + (s.transA() ? pc * lda + ic : ic * lda + pc);
                        if (f64) Pack.packA((double[]) a, ao, lda, s.transA(), mc, kc, mr, (double[]) packedA);
                        else Pack.packA((float[]) a, ao, lda, s.transA(), mc, kc, mr, (float[]) packedA);
                        kernel.block(packedA, packedB, mc, nc, kc, c, ct + ic * ldc + jc, ldc, mode,
                                bias, biasOff + (biasM ? ic : jc), tile);
                    }
                    pc += kc;
                } while (pc < k);
            }
        }
    }

    /**
     * {@code C[i0..i1, 0] = epilogue(A · b)} for a single column: {@link TileKernel#matvec} on A as
     * it is stored, with B's column copied to contiguous scratch when it is strided.
     */
    private static void matvec(TileKernel kernel, MatmulSpec s, Object a, int aOff, Object b, int bOff,
                               Object c, int cOff, Object bias, int biasOff, int b0, int b1, int i0, int i1, boolean f64) {
        int m = i1 - i0, k = s.k(), lda = s.lda(), ldb = s.ldb();
        boolean strided = !s.transB() && ldb != 1;
        Scratch scratch = SCRATCH.get();
        Object column = strided ? scratch.get(Scratch.PACKED_B, f64, k) : b;
        Object out = scratch.get(Scratch.PACKED_A, f64, m);
        int mode = (s.epilogue().accumulate() ? TileMode.LOAD_C : 0) | TileMode.lastBlock(s.epilogue());
        int bo = biasOff + (s.epilogue().bias() == Epilogue.Bias.ALONG_M ? i0 : 0);
        for (int t = b0; t < b1; t++) {
            int bt = bOff + t * s.strideB(), ct = cOff + t * s.strideC() + i0 * s.ldc();
            if (strided && f64) Pack.packB((double[]) b, bt, ldb, false, k, 1, 1, (double[]) column, 0);
            else if (strided) Pack.packB((float[]) b, bt, ldb, false, k, 1, 1, (float[]) column, 0);
            kernel.matvec(a, aOff + t * s.strideA() + (s.transA() ? i0 : i0 * lda), lda, s.transA(),
                    column, strided ? 0 : bt, m, k, out);
            if (f64) Epilogues.store((double[]) out, 1, m, 1, (double[]) c, ct, s.ldc(), mode, (double[]) bias, bo);
            else Epilogues.store((float[]) out, 1, m, 1, (float[]) c, ct, s.ldc(), mode, (float[]) bias, bo);
        }
    }

    /**
     * The depth of the k blocks: k cut into equal blocks of at most 5/4 of the kernel's depth
     * ({@code 784 -> 3 × 262} instead of {@code 256, 256, 256, 16}: every block is a pass over C and
     * a packing of A and B, and a thin last block pays them for little work). The B panel of a
     * slightly deeper block still fits L1 beside the A panel.
     */
    static int blockDepth(int k, int kc) {
        if (k <= 0) return 0;
        return ceilDiv(k, ceilDiv(k, kc + kc / 4));
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }
}
