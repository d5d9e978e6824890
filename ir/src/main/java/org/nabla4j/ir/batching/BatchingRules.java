package org.nabla4j.ir.batching;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.nabla4j.ir.Params;
import org.nabla4j.ir.Primitive;

/**
 * The batching rule table, keyed by primitive. Each primitive is registered in one block in the
 * group files {@link ElementwiseBatching}, {@link ShapingBatching}, {@link ReductionBatching} and
 * {@link IndexingBatching}, which follow the groups of the IR's own rules.
 */
final class BatchingRules {
    /** A rule with one result, the common case. */
    @FunctionalInterface
    interface BatchRule1 {
        Batched apply(Batcher b, Params params, List<Batched> operands);
    }

    private static final Map<Primitive, BatchRule> RULES = new EnumMap<>(Primitive.class);

    static {
        ElementwiseBatching.register();
        ShapingBatching.register();
        ReductionBatching.register();
        IndexingBatching.register();
        ControlFlowBatching.register();
    }

    private BatchingRules() {}

    static void define(Primitive p, BatchRule rule) {
        if (RULES.put(p, rule) != null) throw new IllegalStateException("batching rule for " + p + " defined twice");
    }

    static void define1(Primitive p, BatchRule1 rule) {
        define(p, (b, params, in) -> List.of(rule.apply(b, params, in)));
    }

    static boolean has(Primitive p) { return RULES.containsKey(p); }

    static BatchRule get(Primitive p) {
        BatchRule r = RULES.get(p);
        if (r == null) throw new UnsupportedOperationException("vmap: no batching rule for " + p);
        return r;
    }
}
