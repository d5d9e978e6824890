package org.nabla4j.codegen;

import static org.objectweb.asm.Opcodes.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nabla4j.DType;
import org.nabla4j.ir.Primitive;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Plan to class bytes, a pure function. The class has one static method per fused loop
 * ({@code k0, k1, …}, each {@code (Object[] buffers, int lo, int hi)void}) and {@code run(Object[]
 * buffers, Object[] steps)} calling the loops and run-time steps in plan order, with control flow
 * as loops and a switch in that method. No method may reach HotSpot's 8,000-byte limit, beyond
 * which it would never be JIT-compiled: a step list too long for one method is emitted as part
 * methods ({@code part0, part1, …}, each {@code (Object[] buffers, Object[] steps)void}) called in
 * order, and {@link KernelSizeLimit} has already bounded the loops.
 *
 * <p>Loops run over the collapsed iteration space ({@link LoopNest}): an outer index decomposed
 * into each access's base offset, and an inner loop that, when every value is of one float dtype
 * and every access walks the inner dimension with stride 0 or 1, is a Vector API main loop (species
 * in {@code static final} fields) followed by a scalar tail. Scalar code follows the interpreter's
 * semantics exactly ({@link org.nabla4j.ir.ScalarMath}); vector transcendental functions may differ
 * from it by a few ulps.
 */
final class BytecodeEmitter {
    static final String VEC = "jdk/incubator/vector/";
    static final String KERNEL_DESC = "([Ljava/lang/Object;II)V";
    private static final String SCALAR_MATH = "org/nabla4j/ir/ScalarMath";
    private static final String STEP = Type.internal(RuntimeStep.class);
    /** {@code run(Object[] buffers, Object[] steps)}: the steps are RuntimeSteps and control-flow objects. */
    static final String RUN_DESC = "([Ljava/lang/Object;[Ljava/lang/Object;)V";

    /** Vector width in bits: 0 for scalar code only, or 64/128/256/512, or -1 for the preferred species. */
    record Options(int vectorBits, int parallelThreshold) {
        /** Loops of at least this many elements are split across the cores. */
        static final int DEFAULT_PARALLEL_THRESHOLD = 1 << 16;
        static final Options PREFERRED = new Options(-1, DEFAULT_PARALLEL_THRESHOLD);

        int lanes(DType t) {
            int bits = vectorBits < 0 ? jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize() : vectorBits;
            return bits == 0 ? 0 : bits / (t == DType.F32 ? 32 : 64);
        }

        String speciesField() {
            return vectorBits < 0 ? "SPECIES_PREFERRED" : "SPECIES_" + vectorBits;
        }
    }

    private final String className;
    private final Plan plan;
    private final Options options;
    private final ClassWriter cw;

    private BytecodeEmitter(String className, Plan plan, Options options) {
        this.className = className;
        this.plan = plan;
        this.options = options;
        this.cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                // Frames only ever merge identical types in generated loops; avoid loading classes.
                return a.equals(b) ? a : "java/lang/Object";
            }
        };
    }

    static byte[] emit(String className, Plan plan, Options options) {
        return new BytecodeEmitter(className, plan, options).emitClass();
    }

    private byte[] emitClass() {
        cw.visit(V25, ACC_FINAL | ACC_SUPER, className, null, "java/lang/Object", null);
        boolean vectors = options.vectorBits() != 0;
        if (vectors) {
            cw.visitField(ACC_STATIC | ACC_FINAL | ACC_PRIVATE, "FS", "L" + VEC + "VectorSpecies;", null, null).visitEnd();
            cw.visitField(ACC_STATIC | ACC_FINAL | ACC_PRIVATE, "DS", "L" + VEC + "VectorSpecies;", null, null).visitEnd();
            MethodVisitor clinit = cw.visitMethod(ACC_STATIC, "<clinit>", "()V", null, null);
            clinit.visitCode();
            clinit.visitFieldInsn(GETSTATIC, VEC + "FloatVector", options.speciesField(), "L" + VEC + "VectorSpecies;");
            clinit.visitFieldInsn(PUTSTATIC, className, "FS", "L" + VEC + "VectorSpecies;");
            clinit.visitFieldInsn(GETSTATIC, VEC + "DoubleVector", options.speciesField(), "L" + VEC + "VectorSpecies;");
            clinit.visitFieldInsn(PUTSTATIC, className, "DS", "L" + VEC + "VectorSpecies;");
            clinit.visitInsn(RETURN);
            clinit.visitMaxs(0, 0);
            clinit.visitEnd();
        }
        MethodVisitor run = cw.visitMethod(ACC_STATIC | ACC_PUBLIC, "run", RUN_DESC, null, null);
        run.visitCode();
        if (size(plan.steps()) <= METHOD_BYTES) emitSteps(run, plan.steps());
        else emitParts(run, plan.steps());
        run.visitInsn(RETURN);
        run.visitMaxs(0, 0);
        run.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    private int kernelIndex, stepIndex, groupIndex, partIndex;
    /** The next free local of the run or part method being written: 0 holds the buffers, 1 the run-time steps. */
    private int nextLocal = 2;

    // ---- splitting step lists into methods ----

    /**
     * The most bytes a run or part method gets: half of HotSpot's limit. Sizes are upper bounds:
     * every instruction counted at its longest form (wide locals, ldc_w).
     */
    static final int METHOD_BYTES = 4000;
    /** A kernel call: aload, iconst, ldc_w, invokestatic. */
    private static final int CALL_KERNEL = 8;
    /** A run-time step call: aload, ldc_w, aaload, checkcast, aload, invokeinterface. */
    private static final int CALL_STEP = 14;
    /** A part method call: aload, aload, invokestatic. */
    private static final int CALL_PART = 5;
    private final Map<Plan.Step, Integer> sizes = new java.util.IdentityHashMap<>();

    /** An upper bound on the bytes of the steps emitted inline by {@link #emitSteps}. */
    private int size(List<Plan.Step> steps) {
        int n = 0;
        for (Plan.Step s : steps) n += size(s);
        return n;
    }

    private int size(Plan.Step s) {
        Integer known = sizes.get(s);
        if (known != null) return known;
        int n = switch (s) {
            case Plan.KernelStep k -> KernelSplit.parallel(k.kernel(), options) ? CALL_STEP : CALL_KERNEL;
            case Plan.InterpretStep i -> CALL_STEP;
            case Plan.FusedDotStep d -> CALL_STEP;
            case Plan.RowBlockStep rb -> RowBlocking.parallel(rb, options) ? CALL_STEP : CALL_KERNEL;
            default -> {
                int bytes = glueSize(s);
                for (List<Plan.Step> block : Plan.blocks(s)) bytes += blocksInline(s) ? size(block) : CALL_PART * parts(block).size();
                yield bytes;
            }
        };
        sizes.put(s, n);
        return n;
    }

    /** An upper bound on a control-flow step's own code, around its blocks. */
    private static int glueSize(Plan.Step s) {
        return switch (s) {
            case Plan.ScanStep sc -> 96;
            case Plan.WhileStep w -> 64;
            case Plan.CondStep c -> 64 + 8 * c.branches().size();
            default -> throw new IllegalArgumentException("not control flow: " + s);
        };
    }

    /** Whether a control-flow step fits in one method with its blocks inline; if not, each block becomes part methods. */
    private boolean blocksInline(Plan.Step s) {
        int n = glueSize(s);
        for (List<Plan.Step> block : Plan.blocks(s)) n += size(block);
        return n <= METHOD_BYTES;
    }

    /** Consecutive runs of the steps, each as large as fits in {@link #METHOD_BYTES}. */
    private List<List<Plan.Step>> parts(List<Plan.Step> steps) {
        List<List<Plan.Step>> parts = new ArrayList<>();
        int from = 0, bytes = 0;
        for (int i = 0; i < steps.size(); i++) {
            int n = size(steps.get(i));
            if (i > from && bytes + n > METHOD_BYTES) {
                parts.add(steps.subList(from, i));
                from = i;
                bytes = 0;
            }
            bytes += n;
        }
        if (from < steps.size()) parts.add(steps.subList(from, steps.size()));
        return parts;
    }

    /** A control-flow step's block: inline, or as calls to part methods when the step would not fit in one method. */
    private void emitBlock(MethodVisitor mv, Plan.Step owner, List<Plan.Step> block) {
        if (blocksInline(owner)) emitSteps(mv, block);
        else emitParts(mv, block);
    }

    /**
     * Emits the steps as part methods, each with its own locals, and calls them in order. Parts are
     * written as they are reached, so kernels and run-time steps keep their plan-order numbering.
     */
    private void emitParts(MethodVisitor mv, List<Plan.Step> steps) {
        for (List<Plan.Step> part : parts(steps)) {
            String name = "part" + partIndex++;
            mv.visitVarInsn(ALOAD, 0);
            mv.visitVarInsn(ALOAD, 1);
            mv.visitMethodInsn(INVOKESTATIC, className, name, RUN_DESC, false);
            MethodVisitor pm = cw.visitMethod(ACC_STATIC | ACC_PRIVATE, name, RUN_DESC, null, null);
            pm.visitCode();
            int outerLocals = nextLocal;
            nextLocal = 2;
            emitSteps(pm, part);
            nextLocal = outerLocals;
            pm.visitInsn(RETURN);
            pm.visitMaxs(0, 0);
            pm.visitEnd();
        }
    }

    /**
     * Calls the steps in order: generated loops directly, run-time steps through the steps table
     * (in the order {@link CodegenBackend} builds it: a control-flow step's object, then its blocks'
     * steps). Control flow becomes loops and a switch in this method, around its blocks' steps or
     * calls to their part methods.
     */
    private void emitSteps(MethodVisitor run, List<Plan.Step> steps) {
        for (Plan.Step s : steps) {
            switch (s) {
                case Plan.KernelStep ks -> {
                    String name = "k" + kernelIndex++;
                    new KernelWriter(cw, className, name, ks.kernel(), options).write();
                    if (KernelSplit.parallel(ks.kernel(), options)) {
                        // Large loops run in parallel chunks through a run-time step (see ParallelKernel).
                        callRuntimeStep(run);
                    } else {
                        run.visitVarInsn(ALOAD, 0);
                        pushInt(run, 0);
                        pushInt(run, KernelSplit.range(ks.kernel()));
                        run.visitMethodInsn(INVOKESTATIC, className, name, KERNEL_DESC, false);
                    }
                }
                case Plan.InterpretStep is -> callRuntimeStep(run);
                case Plan.RowBlockStep rb -> emitRowBlock(run, rb);
                case Plan.FusedDotStep d -> callRuntimeStep(run);
                case Plan.ScanStep sc -> emitScan(run, sc);
                case Plan.WhileStep w -> emitWhile(run, w);
                case Plan.CondStep c -> emitCond(run, c);
            }
        }
    }

    /**
     * A row-blocked group: its kernels as usual, and {@code g<i>(buffers, lo, hi)} running them in
     * turn on each block of rows of [lo, hi); called directly, or in parallel parts of rows.
     */
    private void emitRowBlock(MethodVisitor run, Plan.RowBlockStep rb) {
        List<String> names = new ArrayList<>();
        for (Kernel k : rb.kernels()) {
            String name = "k" + kernelIndex++;
            new KernelWriter(cw, className, name, k, options).write();
            names.add(name);
        }
        String group = "g" + groupIndex++;
        MethodVisitor mv = cw.visitMethod(ACC_STATIC | ACC_PRIVATE, group, KERNEL_DESC, null, null);
        mv.visitCode();
        int block = 3, end = 4;
        mv.visitVarInsn(ILOAD, 1);
        mv.visitVarInsn(ISTORE, block);
        Label top = new Label(), done = new Label();
        mv.visitLabel(top);
        mv.visitVarInsn(ILOAD, block);
        mv.visitVarInsn(ILOAD, 2);
        mv.visitJumpInsn(IF_ICMPGE, done);
        mv.visitVarInsn(ILOAD, block);
        pushInt(mv, rb.blockRows());
        mv.visitInsn(IADD);
        mv.visitVarInsn(ILOAD, 2);
        mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "min", "(II)I", false);
        mv.visitVarInsn(ISTORE, end);
        for (String name : names) {
            mv.visitVarInsn(ALOAD, 0);
            mv.visitVarInsn(ILOAD, block);
            mv.visitVarInsn(ILOAD, end);
            mv.visitMethodInsn(INVOKESTATIC, className, name, KERNEL_DESC, false);
        }
        mv.visitVarInsn(ILOAD, end);
        mv.visitVarInsn(ISTORE, block);
        mv.visitJumpInsn(GOTO, top);
        mv.visitLabel(done);
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        if (RowBlocking.parallel(rb, options)) {
            callRuntimeStep(run);
        } else {
            run.visitVarInsn(ALOAD, 0);
            pushInt(run, 0);
            pushInt(run, rb.rows());
            run.visitMethodInsn(INVOKESTATIC, className, group, KERNEL_DESC, false);
        }
    }

    private void callRuntimeStep(MethodVisitor run) {
        loadStep(run, STEP);
        run.visitVarInsn(ALOAD, 0);
        run.visitMethodInsn(INVOKEINTERFACE, STEP, "run", "([Ljava/lang/Object;)V", true);
    }

    /** Pushes the next run-time step object, cast to {@code type}. */
    private void loadStep(MethodVisitor run, String type) {
        run.visitVarInsn(ALOAD, 1);
        pushInt(run, stepIndex++);
        run.visitInsn(AALOAD);
        run.visitTypeInsn(CHECKCAST, type);
    }

    /** Invokes {@code method} on the object in local {@code obj} with the buffers and, when desc takes it, local {@code intLocal}. */
    private static void callGlue(MethodVisitor run, String owner, int obj, String method, String desc, int intLocal) {
        run.visitVarInsn(ALOAD, obj);
        run.visitVarInsn(ALOAD, 0);
        if (intLocal >= 0) run.visitVarInsn(ILOAD, intLocal);
        run.visitMethodInsn(INVOKEVIRTUAL, owner, method, desc, false);
    }

    private void emitScan(MethodVisitor run, Plan.ScanStep sc) {
        String owner = Type.internal(ScanLoop.class);
        int loop = nextLocal++, t = nextLocal++, n = nextLocal++;
        loadStep(run, owner);
        run.visitVarInsn(ASTORE, loop);
        callGlue(run, owner, loop, "enter", "([Ljava/lang/Object;)I", -1);
        run.visitVarInsn(ISTORE, n);
        pushInt(run, 0);
        run.visitVarInsn(ISTORE, t);
        Label top = new Label(), done = new Label();
        run.visitLabel(top);
        run.visitVarInsn(ILOAD, t);
        run.visitVarInsn(ILOAD, n);
        run.visitJumpInsn(IF_ICMPGE, done);
        callGlue(run, owner, loop, "begin", "([Ljava/lang/Object;I)V", t);
        emitBlock(run, sc, sc.body());
        callGlue(run, owner, loop, "end", "([Ljava/lang/Object;I)V", t);
        run.visitIincInsn(t, 1);
        run.visitJumpInsn(GOTO, top);
        run.visitLabel(done);
        callGlue(run, owner, loop, "exit", "([Ljava/lang/Object;)V", -1);
    }

    private void emitWhile(MethodVisitor run, Plan.WhileStep w) {
        String owner = Type.internal(WhileLoop.class);
        int loop = nextLocal++;
        loadStep(run, owner);
        run.visitVarInsn(ASTORE, loop);
        callGlue(run, owner, loop, "enter", "([Ljava/lang/Object;)V", -1);
        Label top = new Label(), done = new Label();
        run.visitLabel(top);
        emitBlock(run, w, w.cond());
        callGlue(run, owner, loop, "test", "([Ljava/lang/Object;)Z", -1);
        run.visitJumpInsn(IFEQ, done);
        emitBlock(run, w, w.body());
        callGlue(run, owner, loop, "end", "([Ljava/lang/Object;)V", -1);
        run.visitJumpInsn(GOTO, top);
        run.visitLabel(done);
        callGlue(run, owner, loop, "exit", "([Ljava/lang/Object;)V", -1);
    }

    private void emitCond(MethodVisitor run, Plan.CondStep c) {
        String owner = Type.internal(CondBranch.class);
        int glue = nextLocal++, index = nextLocal++;
        loadStep(run, owner);
        run.visitVarInsn(ASTORE, glue);
        callGlue(run, owner, glue, "enter", "([Ljava/lang/Object;)I", -1);
        run.visitVarInsn(ISTORE, index);
        int n = c.branches().size();
        Label[] cases = new Label[n];
        for (int b = 0; b < n; b++) cases[b] = new Label();
        Label done = new Label();
        run.visitVarInsn(ILOAD, index);
        // enter() clamps the index, so the last branch doubles as the default.
        run.visitTableSwitchInsn(0, n - 1, cases[n - 1], cases);
        for (int b = 0; b < n; b++) {
            run.visitLabel(cases[b]);
            emitBlock(run, c, c.branches().get(b));
            run.visitJumpInsn(GOTO, done);
        }
        run.visitLabel(done);
        callGlue(run, owner, glue, "exit", "([Ljava/lang/Object;I)V", index);
    }

    static void pushInt(MethodVisitor mv, int v) {
        if (v >= -1 && v <= 5) mv.visitInsn(ICONST_0 + v);
        else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) mv.visitIntInsn(BIPUSH, v);
        else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) mv.visitIntInsn(SIPUSH, v);
        else mv.visitLdcInsn(v);
    }

    /** Internal names and descriptors. */
    static final class Type {
        private Type() {}

        static String internal(Class<?> c) { return c.getName().replace('.', '/'); }

        static String arrayDesc(DType t) {
            return switch (t) {
                case F32 -> "[F";
                case F64 -> "[D";
                case I32 -> "[I";
                case I64 -> "[J";
                case BOOL -> "[Z";
            };
        }
    }

    /** Writes one kernel method. */
    private static final class KernelWriter {
        private final ClassWriter cw;
        private final String owner;
        private final String name;
        private final Kernel kernel;
        private final Options options;
        private MethodVisitor mv;
        private int nextLocal = 1;
        private final Map<Integer, Integer> arrayLocals = new LinkedHashMap<>();
        private final Map<LoopExpr.Access, Integer> baseLocals = new LinkedHashMap<>();
        private LoopNest nest;
        private int jLocal;
        private DType vectorType;
        /** The range given to the method is the inner index (rank <= 1), not the outer one. */
        private boolean split;
        /** Each output element is written by exactly one outer iteration: assign it, no identity fill. */
        private boolean assignOnce;

        KernelWriter(ClassWriter cw, String owner, String name, Kernel kernel, Options options) {
            this.cw = cw;
            this.owner = owner;
            this.name = name;
            this.kernel = kernel;
            this.options = options;
        }

        void write() {
            mv = cw.visitMethod(ACC_STATIC | ACC_PRIVATE, name, KERNEL_DESC, null, null);
            mv.visitCode();
            // locals 1 and 2: the [lo, hi) part of the split range (outer index, or inner for rank <= 1)
            nextLocal = 3;
            LoopExpr.Access outAccess = KernelSplit.outAccess(kernel);
            nest = KernelSplit.nestOf(kernel);
            loadArray(kernel.outSlot(), kernel.outType());
            loadArrays(kernel.body());
            vectorType = vectorizable() ? kernel.outType() : null;
            split = KernelSplit.splitsInner(kernel, nest);
            assignOnce = KernelSplit.assignsEachOutputOnce(kernel, nest);
            if (kernel instanceof Kernel.Reduce r && !assignOnce) fillIdentity(r);
            for (LoopExpr.Access a : nest.strides.keySet()) baseLocals.put(a, newLocal(1));
            jLocal = newLocal(1);
            int oLocal = newLocal(1);
            // for (o = lo; o < hi; o++), or a single pass when the split is over the inner loop
            Label outerTop = new Label(), outerEnd = new Label();
            if (split) {
                pushInt(mv, 0);
            } else {
                mv.visitVarInsn(ILOAD, 1);
            }
            mv.visitVarInsn(ISTORE, oLocal);
            mv.visitLabel(outerTop);
            mv.visitVarInsn(ILOAD, oLocal);
            if (split) {
                pushInt(mv, 1);
            } else {
                mv.visitVarInsn(ILOAD, 2);
            }
            mv.visitJumpInsn(IF_ICMPGE, outerEnd);
            computeBases(oLocal);
            if (split) {
                mv.visitVarInsn(ILOAD, 1);
            } else {
                pushInt(mv, 0);
            }
            mv.visitVarInsn(ISTORE, jLocal);
            if (kernel instanceof Kernel.Reduce r && nest.innerStride(outAccess) == 0) {
                reduceInner(r, outAccess);
            } else {
                elementwiseInner(outAccess);
            }
            mv.visitIincInsn(oLocal, 1);
            mv.visitJumpInsn(GOTO, outerTop);
            mv.visitLabel(outerEnd);
            mv.visitInsn(RETURN);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        }

        // ---- set-up ----

        private int newLocal(int size) {
            int l = nextLocal;
            nextLocal += size;
            return l;
        }

        private void loadArrays(LoopExpr e) {
            switch (e) {
                case LoopExpr.Load l -> loadArray(l.slot(), l.dtype());
                case LoopExpr.Const c -> { }
                case LoopExpr.Unary u -> loadArrays(u.x());
                case LoopExpr.Binary b -> { loadArrays(b.a()); loadArrays(b.b()); }
                case LoopExpr.Select s -> { loadArrays(s.pred()); loadArrays(s.onFalse()); loadArrays(s.onTrue()); }
            }
        }

        private void loadArray(int slot, DType t) {
            if (arrayLocals.containsKey(slot)) return;
            int local = newLocal(1);
            mv.visitVarInsn(ALOAD, 0);
            pushInt(mv, slot);
            mv.visitInsn(AALOAD);
            mv.visitTypeInsn(CHECKCAST, Type.arrayDesc(t));
            mv.visitVarInsn(ASTORE, local);
            arrayLocals.put(slot, local);
        }

        /** base[a] = offset[a] + Σ idx_d * stride[a][d] for the outer dims, idx decomposed from o. */
        private void computeBases(int oLocal) {
            int r = nest.rank();
            for (Map.Entry<LoopExpr.Access, Integer> e : baseLocals.entrySet()) {
                pushInt(mv, e.getKey().offset());
                mv.visitVarInsn(ISTORE, e.getValue());
            }
            if (r <= 1) return;
            int rest = newLocal(1), idx = newLocal(1);
            mv.visitVarInsn(ILOAD, oLocal);
            mv.visitVarInsn(ISTORE, rest);
            for (int d = r - 2; d >= 0; d--) {
                mv.visitVarInsn(ILOAD, rest);
                if (d > 0) {
                    pushInt(mv, nest.shape[d]);
                    mv.visitInsn(IREM);
                }
                mv.visitVarInsn(ISTORE, idx);
                if (d > 0) {
                    mv.visitVarInsn(ILOAD, rest);
                    pushInt(mv, nest.shape[d]);
                    mv.visitInsn(IDIV);
                    mv.visitVarInsn(ISTORE, rest);
                }
                for (Map.Entry<LoopExpr.Access, Integer> e : baseLocals.entrySet()) {
                    int stride = nest.strides.get(e.getKey())[d];
                    if (stride == 0) continue;
                    mv.visitVarInsn(ILOAD, e.getValue());
                    mv.visitVarInsn(ILOAD, idx);
                    pushInt(mv, stride);
                    mv.visitInsn(IMUL);
                    mv.visitInsn(IADD);
                    mv.visitVarInsn(ISTORE, e.getValue());
                }
            }
        }

        private void fillIdentity(Kernel.Reduce r) {
            int i = newLocal(1);
            Label top = new Label(), end = new Label();
            pushInt(mv, 0);
            mv.visitVarInsn(ISTORE, i);
            mv.visitLabel(top);
            mv.visitVarInsn(ILOAD, i);
            pushInt(mv, r.outSize());
            mv.visitJumpInsn(IF_ICMPGE, end);
            mv.visitVarInsn(ALOAD, arrayLocals.get(r.outSlot()));
            mv.visitVarInsn(ILOAD, i);
            pushScalarConst(identity(r.monoid(), r.outType()), r.outType());
            storeElement(r.outType());
            mv.visitIincInsn(i, 1);
            mv.visitJumpInsn(GOTO, top);
            mv.visitLabel(end);
        }

        static double identity(Primitive monoid, DType t) {
            return switch (monoid) {
                case REDUCE_SUM -> 0;
                case REDUCE_PROD -> 1;
                case REDUCE_MAX -> t.isFloating() ? Double.NEGATIVE_INFINITY : t == DType.I32 ? Integer.MIN_VALUE : Long.MIN_VALUE;
                case REDUCE_MIN -> t.isFloating() ? Double.POSITIVE_INFINITY : t == DType.I32 ? Integer.MAX_VALUE : Long.MAX_VALUE;
                default -> throw new IllegalArgumentException(monoid.toString());
            };
        }

        // ---- vectorisation check ----

        private boolean vectorizable() {
            DType t = kernel.outType();
            if (options.vectorBits() == 0 || !t.isFloating() || options.lanes(t) < 2) return false;
            if (kernel instanceof Kernel.Reduce r && r.monoid() == Primitive.REDUCE_PROD) return false;
            for (LoopExpr.Access a : nest.strides.keySet()) {
                int s = nest.innerStride(a);
                if (s != 0 && s != 1) return false;
            }
            return vectorOk(kernel.body(), t);
        }

        private static boolean vectorOk(LoopExpr e, DType t) {
            return switch (e) {
                case LoopExpr.Load l -> l.dtype() == t;
                case LoopExpr.Const c -> c.dtype() == t;
                case LoopExpr.Unary u -> u.dtype() == t && VectorOps.unary(u.op())
                        && (isMaskToNumber(u) ? maskOk(u.x(), t) : vectorOk(u.x(), t));
                case LoopExpr.Binary b -> {
                    if (b.op().isComparison()) yield b.dtype() == DType.BOOL && vectorOk(b.a(), t) && vectorOk(b.b(), t);
                    if (b.dtype() == DType.BOOL) yield (b.op() == Primitive.AND || b.op() == Primitive.OR) && maskOk(b.a(), t) && maskOk(b.b(), t);
                    yield b.dtype() == t && VectorOps.binary(b.op()) && vectorOk(b.a(), t) && vectorOk(b.b(), t);
                }
                case LoopExpr.Select s -> s.dtype() == t && maskOk(s.pred(), t) && vectorOk(s.onFalse(), t) && vectorOk(s.onTrue(), t);
            };
        }

        /** A bool (a lane mask in vector code) converted to a number: 1 where set, 0 elsewhere. */
        private static boolean isMaskToNumber(LoopExpr.Unary u) {
            return u.op() == Primitive.CONVERT_ELEMENT_TYPE && u.x().dtype() == DType.BOOL;
        }

        private static boolean maskOk(LoopExpr e, DType t) {
            if (e instanceof LoopExpr.Unary u && u.op() == Primitive.NOT) return maskOk(u.x(), t);
            return e instanceof LoopExpr.Binary && e.dtype() == DType.BOOL && vectorOk(e, t);
        }

        // ---- inner loops ----

        /** out[outBase + j] = body (or combine(out, body) for a reduction along an outer axis). */
        private void elementwiseInner(LoopExpr.Access outAccess) {
            int outLocal = arrayLocals.get(kernel.outSlot());
            int outBase = baseLocals.get(outAccess);
            DType t = kernel.outType();
            Primitive monoid = kernel instanceof Kernel.Reduce r ? r.monoid() : null;
            if (vectorType != null) {
                int lanes = options.lanes(t);
                int upperLocal = vectorUpper(lanes);
                Label top = new Label(), end = new Label();
                mv.visitLabel(top);
                mv.visitVarInsn(ILOAD, jLocal);
                mv.visitVarInsn(ILOAD, upperLocal);
                mv.visitJumpInsn(IF_ICMPGE, end);
                if (monoid != null) {
                    vectorLoadAt(outLocal, outBase, t, 0);
                    vector(kernel.body(), 0);
                    VectorOps.combine(mv, monoid, t);
                } else {
                    vector(kernel.body(), 0);
                }
                mv.visitVarInsn(ALOAD, outLocal);
                indexAt(outBase, 1, 0);
                mv.visitMethodInsn(INVOKEVIRTUAL, VectorOps.vectorClass(t), "intoArray", "(" + Type.arrayDesc(t) + "I)V", false);
                mv.visitIincInsn(jLocal, lanes);
                mv.visitJumpInsn(GOTO, top);
                mv.visitLabel(end);
            }
            Label top = new Label(), end = new Label();
            mv.visitLabel(top);
            mv.visitVarInsn(ILOAD, jLocal);
            pushInnerEnd();
            mv.visitJumpInsn(IF_ICMPGE, end);
            mv.visitVarInsn(ALOAD, outLocal);
            indexAt(outBase, nest.innerStride(outAccess), 0);
            if (monoid != null) {
                mv.visitInsn(DUP2);
                loadScalar(t);
                ScalarOps.widen(mv, t);
                scalar(kernel.body());
                ScalarOps.widen(mv, t);
                ScalarOps.combine(mv, monoid, ScalarOps.accumulator(t));
                ScalarOps.narrow(mv, t);
            } else {
                scalar(kernel.body());
            }
            storeElement(t);
            mv.visitIincInsn(jLocal, 1);
            mv.visitJumpInsn(GOTO, top);
            mv.visitLabel(end);
        }

        /** Pushes the end of the inner loop: hi when the range splits the inner loop, else its length. */
        private void pushInnerEnd() {
            if (split) mv.visitVarInsn(ILOAD, 2); else pushInt(mv, nest.inner());
        }

        /** A local holding the end of the vector loop: j0 + ((end - j0) / lanes) * lanes, from the loop's start j0. */
        private int vectorUpper(int lanes) {
            int local = newLocal(1);
            pushInnerEnd();
            mv.visitVarInsn(ILOAD, jLocal);
            mv.visitInsn(ISUB);
            pushInt(mv, lanes);
            mv.visitInsn(IDIV);
            pushInt(mv, lanes);
            mv.visitInsn(IMUL);
            mv.visitVarInsn(ILOAD, jLocal);
            mv.visitInsn(IADD);
            mv.visitVarInsn(ISTORE, local);
            return local;
        }

        /** A reduction along the inner axis: accumulate in registers, then fold into out[outBase]. */
        private void reduceInner(Kernel.Reduce r, LoopExpr.Access outAccess) {
            DType t = r.outType();
            DType acc = ScalarOps.accumulator(t);
            int accLocal = newLocal(2);
            pushScalarConst(identity(r.monoid(), t), acc);
            ScalarOps.store(mv, acc, accLocal);
            if (vectorType != null) {
                int lanes = options.lanes(t);
                int unroll = nest.inner() >= 4 * lanes ? 4 : 1;
                int[] accs = new int[unroll];
                for (int u = 0; u < unroll; u++) {
                    accs[u] = newLocal(1);
                    VectorOps.broadcastConst(mv, owner, t, identity(r.monoid(), t));
                    mv.visitVarInsn(ASTORE, accs[u]);
                }
                int step = lanes * unroll;
                int upper = nest.inner() - nest.inner() % step;
                Label top = new Label(), end = new Label();
                mv.visitLabel(top);
                mv.visitVarInsn(ILOAD, jLocal);
                pushInt(mv, upper);
                mv.visitJumpInsn(IF_ICMPGE, end);
                for (int u = 0; u < unroll; u++) {
                    mv.visitVarInsn(ALOAD, accs[u]);
                    vector(r.body(), u * lanes);
                    VectorOps.combine(mv, r.monoid(), t);
                    mv.visitVarInsn(ASTORE, accs[u]);
                }
                mv.visitIincInsn(jLocal, step);
                mv.visitJumpInsn(GOTO, top);
                mv.visitLabel(end);
                // fold the accumulators, then the lanes, into the scalar accumulator
                for (int u = 1; u < unroll; u++) {
                    mv.visitVarInsn(ALOAD, accs[0]);
                    mv.visitVarInsn(ALOAD, accs[u]);
                    VectorOps.combine(mv, r.monoid(), t);
                    mv.visitVarInsn(ASTORE, accs[0]);
                }
                mv.visitVarInsn(ALOAD, accs[0]);
                VectorOps.reduceLanes(mv, r.monoid(), t);
                ScalarOps.widen(mv, t);
                ScalarOps.store(mv, acc, accLocal);
            }
            Label top = new Label(), end = new Label();
            mv.visitLabel(top);
            mv.visitVarInsn(ILOAD, jLocal);
            pushInt(mv, nest.inner());
            mv.visitJumpInsn(IF_ICMPGE, end);
            ScalarOps.load(mv, acc, accLocal);
            scalar(r.body());
            ScalarOps.widen(mv, t);
            ScalarOps.combine(mv, r.monoid(), acc);
            ScalarOps.store(mv, acc, accLocal);
            mv.visitIincInsn(jLocal, 1);
            mv.visitJumpInsn(GOTO, top);
            mv.visitLabel(end);
            // out[outBase] = combine(out[outBase], acc), or = acc when this is the element's only visit
            int outLocal = arrayLocals.get(r.outSlot());
            mv.visitVarInsn(ALOAD, outLocal);
            mv.visitVarInsn(ILOAD, baseLocals.get(outAccess));
            if (assignOnce) {
                ScalarOps.load(mv, acc, accLocal);
            } else {
                mv.visitInsn(DUP2);
                loadScalar(t);
                ScalarOps.widen(mv, t);
                ScalarOps.load(mv, acc, accLocal);
                ScalarOps.combine(mv, r.monoid(), acc);
            }
            ScalarOps.narrow(mv, t);
            storeElement(t);
        }

        /** Pushes base + (j + laneOffset) * stride. */
        private void indexAt(int baseLocal, int stride, int laneOffset) {
            mv.visitVarInsn(ILOAD, baseLocal);
            if (stride == 0) return;
            mv.visitVarInsn(ILOAD, jLocal);
            if (laneOffset != 0) {
                pushInt(mv, laneOffset);
                mv.visitInsn(IADD);
            }
            if (stride != 1) {
                pushInt(mv, stride);
                mv.visitInsn(IMUL);
            }
            mv.visitInsn(IADD);
        }

        // ---- expressions ----

        /** Pushes the scalar value of e at the current j, in the stack type of its dtype (see {@link ScalarOps}). */
        private void scalar(LoopExpr e) {
            switch (e) {
                case LoopExpr.Load l -> {
                    mv.visitVarInsn(ALOAD, arrayLocals.get(l.slot()));
                    indexAt(baseLocals.get(l.access()), nest.innerStride(l.access()), 0);
                    loadScalar(l.dtype());
                }
                case LoopExpr.Const c -> pushScalarConst(c.value(), c.dtype());
                case LoopExpr.Unary u -> {
                    scalar(u.x());
                    ScalarOps.unary(mv, u.op(), u.x().dtype(), u.dtype());
                }
                case LoopExpr.Binary b -> {
                    boolean widen = b.a().dtype() == DType.F32 && ScalarOps.viaDouble(b.op());
                    scalar(b.a());
                    if (widen) mv.visitInsn(F2D);
                    scalar(b.b());
                    if (widen) mv.visitInsn(F2D);
                    ScalarOps.binary(mv, b.op(), b.a().dtype());
                }
                case LoopExpr.Select s -> {
                    Label onFalse = new Label(), done = new Label();
                    scalar(s.pred());
                    mv.visitJumpInsn(IFEQ, onFalse);
                    scalar(s.onTrue());
                    mv.visitJumpInsn(GOTO, done);
                    mv.visitLabel(onFalse);
                    scalar(s.onFalse());
                    mv.visitLabel(done);
                }
            }
        }

        /** Pushes the vector (or mask) value of e at lanes j + laneOffset …. */
        private void vector(LoopExpr e, int laneOffset) {
            DType t = vectorType;
            switch (e) {
                case LoopExpr.Load l -> {
                    int stride = nest.innerStride(l.access());
                    if (stride == 0) {
                        mv.visitFieldInsn(GETSTATIC, owner, VectorOps.speciesField(t), "L" + VEC + "VectorSpecies;");
                        mv.visitVarInsn(ALOAD, arrayLocals.get(l.slot()));
                        mv.visitVarInsn(ILOAD, baseLocals.get(l.access()));
                        loadElement(t);
                        VectorOps.broadcastFromStack(mv, t);
                    } else {
                        vectorLoadAt(arrayLocals.get(l.slot()), baseLocals.get(l.access()), t, laneOffset);
                    }
                }
                case LoopExpr.Const c -> VectorOps.broadcastConst(mv, owner, t, c.value());
                case LoopExpr.Unary u -> {
                    if (u.op() == Primitive.NOT) {
                        vector(u.x(), laneOffset);
                        mv.visitMethodInsn(INVOKEVIRTUAL, VEC + "VectorMask", "not", "()L" + VEC + "VectorMask;", false);
                    } else if (isMaskToNumber(u)) {
                        // zero.blend(one, mask)
                        VectorOps.broadcastConst(mv, owner, t, 0);
                        VectorOps.broadcastConst(mv, owner, t, 1);
                        vector(u.x(), laneOffset);
                        String vc = VectorOps.vectorClass(t);
                        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "blend", "(L" + VEC + "Vector;L" + VEC + "VectorMask;)L" + vc + ";", false);
                    } else {
                        VectorOps.unary(mv, owner, u.op(), t, () -> vector(u.x(), laneOffset), () -> newLocal(1));
                    }
                }
                case LoopExpr.Binary b -> {
                    vector(b.a(), laneOffset);
                    vector(b.b(), laneOffset);
                    if (b.op().isComparison()) {
                        VectorOps.compare(mv, b.op(), t);
                    } else if (b.dtype() == DType.BOOL) {
                        mv.visitMethodInsn(INVOKEVIRTUAL, VEC + "VectorMask", b.op() == Primitive.AND ? "and" : "or",
                                "(L" + VEC + "VectorMask;)L" + VEC + "VectorMask;", false);
                    } else {
                        VectorOps.binary(mv, b.op(), t);
                    }
                }
                case LoopExpr.Select s -> {
                    vector(s.onFalse(), laneOffset);
                    vector(s.onTrue(), laneOffset);
                    vector(s.pred(), laneOffset);
                    String vc = VectorOps.vectorClass(t);
                    mv.visitMethodInsn(INVOKEVIRTUAL, vc, "blend", "(L" + VEC + "Vector;L" + VEC + "VectorMask;)L" + vc + ";", false);
                }
            }
        }

        private void vectorLoadAt(int arrayLocal, int baseLocal, DType t, int laneOffset) {
            mv.visitFieldInsn(GETSTATIC, owner, VectorOps.speciesField(t), "L" + VEC + "VectorSpecies;");
            mv.visitVarInsn(ALOAD, arrayLocal);
            indexAt(baseLocal, 1, laneOffset);
            String vc = VectorOps.vectorClass(t);
            mv.visitMethodInsn(INVOKESTATIC, vc, "fromArray", "(L" + VEC + "VectorSpecies;" + Type.arrayDesc(t) + "I)L" + vc + ";", false);
        }

        private void pushScalarConst(double v, DType t) {
            switch (t) {
                case F32 -> mv.visitLdcInsn((float) v);
                case F64 -> mv.visitLdcInsn(v);
                case I32, I64 -> mv.visitLdcInsn((long) v);
                case BOOL -> pushInt(mv, v != 0 ? 1 : 0);
            }
        }

        private void loadElement(DType t) {
            mv.visitInsn(switch (t) {
                case F32 -> FALOAD;
                case F64 -> DALOAD;
                case I32 -> IALOAD;
                case I64 -> LALOAD;
                case BOOL -> BALOAD;
            });
        }

        /** Loads array[index] as the scalar stack type of t (I32 widened to long). */
        private void loadScalar(DType t) {
            loadElement(t);
            if (t == DType.I32) mv.visitInsn(I2L);
        }

        /** Stores the stack value (in the scalar stack type of t) into array[index]. */
        private void storeElement(DType t) {
            if (t == DType.I32) mv.visitInsn(L2I);
            mv.visitInsn(switch (t) {
                case F32 -> FASTORE;
                case F64 -> DASTORE;
                case I32 -> IASTORE;
                case I64 -> LASTORE;
                case BOOL -> BASTORE;
            });
        }
    }
}
