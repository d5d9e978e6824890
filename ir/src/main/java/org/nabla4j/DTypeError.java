package org.nabla4j;

/** An operation given an element type it does not accept, e.g. {@code sin} of a bool array. */
public class DTypeError extends NablaException {
    public DTypeError(String message) { super(message); }
}
