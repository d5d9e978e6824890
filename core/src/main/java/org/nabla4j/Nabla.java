package org.nabla4j;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.nabla4j.ir.AbstractArray;

/**
 * Transformations of functions over arrays.
 *
 * <pre>{@code
 * var f = Nabla.jit((NDArray x) -> x.mul(2).add(1));
 * NDArray y = f.apply(NDArray.of(1f, 2f, 3f));        // traced and compiled once per shape signature
 * System.out.println(Nabla.makeJaxpr(Model::loss, params, batch));   // the traced IR
 * }</pre>
 *
 * Arguments are pytrees (see {@link Trees}); values in them that are not arrays or containers
 * (numbers, strings, enums, config records) are static: they are part of the cache key and baked
 * into the trace.
 */
public final class Nabla {
    private static final Config CONFIG = new Config();

    static {
        UserFrames.registerLibrary(Nabla.class);
    }

    private Nabla() {}

    /** The process-wide configuration. */
    public static Config config() { return CONFIG; }

    /** Compiles {@code f} per argument signature; see {@link JitFunction}. */
    @SuppressWarnings("unchecked")
    public static <A, R> JitFunction<A, R> jit(Function<A, R> f) {
        return new JitFunction<>(new Jit(args -> f.apply((A) args[0]), nameOf(f)));
    }

    @SuppressWarnings("unchecked")
    public static <A, B, R> JitBiFunction<A, B, R> jit(BiFunction<A, B, R> f) {
        return new JitBiFunction<>(new Jit(args -> f.apply((A) args[0], (B) args[1]), nameOf(f)));
    }

    /** Traces {@code f} at {@code a} and returns its program (not simplified: what the function does, equation by equation). */
    @SuppressWarnings("unchecked")
    public static <A> Jaxpr makeJaxpr(Function<A, ?> f, A a) {
        return makeJaxpr(args -> f.apply((A) args[0]), new Object[] {a});
    }

    @SuppressWarnings("unchecked")
    public static <A, B> Jaxpr makeJaxpr(BiFunction<A, B, ?> f, A a, B b) {
        return makeJaxpr(args -> f.apply((A) args[0], (B) args[1]), new Object[] {a, b});
    }

    private static Jaxpr makeJaxpr(Function<Object[], Object> body, Object[] args) {
        Tracing.Args flat = Tracing.Args.of(args);
        List<AbstractArray> types = flat.types();
        Tracing.Traced t = Tracing.trace("makeJaxpr", body, flat.def(), types);
        return new Jaxpr(t.program(), t.consts(), flat.def(), t.outDef());
    }

    /** A readable name for logs: the lambda's or method reference's class. */
    private static String nameOf(Object f) {
        String n = f.getClass().getName();
        int slash = n.indexOf("$$Lambda");
        return slash > 0 ? n.substring(n.lastIndexOf('.', slash) + 1, slash) + "::lambda" : n;
    }
}
