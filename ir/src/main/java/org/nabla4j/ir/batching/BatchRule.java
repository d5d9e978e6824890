package org.nabla4j.ir.batching;

import java.util.List;
import org.nabla4j.ir.Params;

/**
 * How one primitive is batched: given its operands (at least one mapped), emit ordinary equations
 * that compute the primitive for every batch element at once and say where each result's batch
 * axis is. Rules choose the result's batch axis freely; consumers move it where they need it.
 */
@FunctionalInterface
interface BatchRule {
    List<Batched> apply(Batcher b, Params params, List<Batched> operands);
}
