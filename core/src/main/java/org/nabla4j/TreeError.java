package org.nabla4j;

/** A pytree that does not fit: structures that differ where they must match, or a leaf of an unsupported type. */
public class TreeError extends NablaException {
    public TreeError(String message) { super(message); }
}
