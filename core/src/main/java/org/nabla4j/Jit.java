package org.nabla4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Backend;
import org.nabla4j.ir.Passes;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.Tensor;

/**
 * The engine behind {@link Nabla#jit}: a per-function cache from call signature (argument
 * structure with static values, and each leaf's dtype and shape) to a compiled program. Thread-safe:
 * concurrent calls with one new signature trace and compile it once; others wait for it.
 */
final class Jit {
    private static final System.Logger LOG = System.getLogger("org.nabla4j.jit");

    /** The cache key of a call. */
    record Signature(TreeDef def, List<AbstractArray> leafTypes) {}

    /** A compiled signature. */
    record Compiled(Program program, List<NDArray> consts, List<Tensor> constTensors, TreeDef outDef, Backend.Executable executable) {}

    private final Function<Object[], Object> body;
    private final String name;
    private final Object lock = new Object();
    private final LinkedHashMap<Signature, CompletableFuture<Compiled>> cache;
    private long hits;
    private long misses;
    private long traces;
    private long compileNanos;
    private String lastMissExplanation = "no call has missed the cache yet";

    Jit(Function<Object[], Object> body, String name) {
        this.body = body;
        this.name = name;
        int bound = Nabla.config().cacheSize();
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Signature, CompletableFuture<Compiled>> eldest) {
                return size() > bound;
            }
        };
    }

    /**
     * The last signature seen for a call with one concrete array argument, the commonest case:
     * such a call with the same type skips flattening and the cache lookup (a monomorphic inline cache).
     */
    private record SingleArray(AbstractArray type, Compiled compiled) {}

    private volatile SingleArray lastSingle;
    private final java.util.concurrent.atomic.LongAdder singleHits = new java.util.concurrent.atomic.LongAdder();

    Object call(Object[] rawArgs) {
        SingleArray single = lastSingle;
        if (single != null && rawArgs.length == 1 && rawArgs[0] instanceof NDArray x && x.isConcrete()
                && x.abstractType().equals(single.type())) {
            singleHits.increment();
            return run(single.compiled(), List.of(x.tensor()), rawArgs);
        }
        Tracing.Args args = Tracing.Args.of(rawArgs);
        Signature sig = new Signature(args.def(), args.types());
        if (args.anyTraced()) return callTraced(sig, args);
        Compiled e = entry(sig, args);
        List<Tensor> in = new ArrayList<>(args.leaves().size());
        for (NDArray x : args.leaves()) in.add(x.tensor());
        if (rawArgs.length == 1 && rawArgs[0] instanceof NDArray x) lastSingle = new SingleArray(x.abstractType(), e);
        return run(e, in, rawArgs);
    }

    private Object run(Compiled e, List<Tensor> in, Object[] rawArgs) {
        List<Tensor> out = e.executable().run(e.constTensors(), in);
        List<NDArray> leaves = new ArrayList<>(out.size());
        for (Tensor t : out) leaves.add(NDArray.concrete(t));
        if (Nabla.config().debugNans() && out.stream().anyMatch(Ops::hasNan)) {
            // As JAX does: re-run op by op, where the first operation that makes a NaN throws NanError.
            body.apply(rawArgs);
        }
        return Trees.build(e.outDef(), leaves.iterator());
    }

    /** Inside another transformation: inline the program into the enclosing trace. */
    private Object callTraced(Signature sig, Tracing.Args args) {
        CompletableFuture<Compiled> cached;
        synchronized (lock) {
            cached = cache.get(sig);
        }
        Program program;
        List<NDArray> consts;
        TreeDef outDef;
        if (cached != null && cached.isDone() && !cached.isCompletedExceptionally()) {
            Compiled e = cached.join();
            program = e.program();
            consts = e.consts();
            outDef = e.outDef();
        } else {
            Tracing.Traced t = traceOnce(sig);
            program = Passes.simplify(t.program());
            consts = t.consts();
            outDef = t.outDef();
        }
        List<NDArray> out = Tracing.eval(program, consts, args.leaves());
        return Trees.build(outDef, out.iterator());
    }

    private Compiled entry(Signature sig, Tracing.Args args) {
        CompletableFuture<Compiled> future;
        boolean mine = false;
        synchronized (lock) {
            future = cache.get(sig);
            if (future == null) {
                lastMissExplanation = explainMiss(sig);
                future = new CompletableFuture<>();
                cache.put(sig, future);
                misses++;
                mine = true;
                if (misses > Nabla.config().recompileWarningThreshold()) {
                    LOG.log(System.Logger.Level.WARNING, "jit(" + name + ") compiled " + misses + " signatures; last miss: " + lastMissExplanation);
                }
            } else {
                hits++;
            }
        }
        if (mine) {
            try {
                future.complete(compile(sig));
            } catch (RuntimeException | Error ex) {
                future.completeExceptionally(ex);
                synchronized (lock) {
                    cache.remove(sig, future);
                }
                throw ex;
            }
        }
        try {
            return future.join();
        } catch (CompletionException ex) {
            if (ex.getCause() instanceof RuntimeException re) throw re;
            if (ex.getCause() instanceof Error err) throw err;
            throw ex;
        }
    }

    private Compiled compile(Signature sig) {
        long start = System.nanoTime();
        Tracing.Traced t = traceOnce(sig);
        if (!t.isClosed()) {
            throw new IllegalStateException("a trace started outside any transformation captured a tracer");
        }
        Program p = Passes.simplify(t.program());
        Backend.Executable exec = Nabla.config().backend().compile(p);
        List<Tensor> constTensors = t.consts().stream().map(NDArray::tensor).toList();
        Compiled e = new Compiled(p, t.consts(), constTensors, t.outDef(), exec);
        synchronized (lock) {
            compileNanos += System.nanoTime() - start;
        }
        return e;
    }

    private Tracing.Traced traceOnce(Signature sig) {
        synchronized (lock) {
            traces++;
        }
        return Tracing.trace("jit(" + name + ")", body, sig.def(), sig.leafTypes());
    }

    private String explainMiss(Signature sig) {
        if (cache.isEmpty()) return "first call with signature " + describe(sig);
        String best = null;
        for (Signature old : cache.keySet()) {
            if (!old.def().equals(sig.def())) continue;
            List<String> paths = sig.def().leafPaths("args");
            List<String> diffs = new ArrayList<>();
            for (int i = 0; i < paths.size(); i++) {
                if (!old.leafTypes().get(i).equals(sig.leafTypes().get(i))) {
                    diffs.add(paths.get(i) + " changed from " + old.leafTypes().get(i) + " to " + sig.leafTypes().get(i));
                }
            }
            String text = String.join("; ", diffs);
            if (best == null || text.length() < best.length()) best = text;
        }
        if (best != null) return best;
        return "the argument structure or a static argument changed: now " + Trees.describe(sig.def()) + ", cached: "
                + String.join(" | ", cache.keySet().stream().map(s -> Trees.describe(s.def())).toList());
    }

    private static String describe(Signature sig) {
        List<String> paths = sig.def().leafPaths("args");
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) parts.add(paths.get(i) + ":" + sig.leafTypes().get(i));
        return "(" + String.join(", ", parts) + ")";
    }

    CacheStats stats() {
        synchronized (lock) {
            return new CacheStats(hits + singleHits.sum(), misses, traces, cache.size(), compileNanos);
        }
    }

    String explainLastMiss() {
        synchronized (lock) {
            return lastMissExplanation;
        }
    }

    /** The simplified program compiled for these arguments (tracing them if needed). */
    Program programFor(Object[] rawArgs) {
        Tracing.Args args = Tracing.Args.of(rawArgs);
        return entry(new Signature(args.def(), args.types()), args).program();
    }
}
