package org.nabla4j.ir.batching;

import org.nabla4j.ir.Atom;

/**
 * A value of the batched program: the atom that holds it and the axis of that atom that is the
 * batch axis, or {@link #NOT_MAPPED} when the value is the same for every batch element (then the
 * atom has the unbatched type).
 */
record Batched(Atom atom, int dim) {
    static final int NOT_MAPPED = -1;

    static Batched unmapped(Atom atom) { return new Batched(atom, NOT_MAPPED); }

    boolean isMapped() { return dim != NOT_MAPPED; }
}
