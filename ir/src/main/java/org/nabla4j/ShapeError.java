package org.nabla4j;

/** Shapes that do not fit an operation: a mismatch, a bad axis, a bad reshape. */
public class ShapeError extends NablaException {
    public ShapeError(String message) { super(message); }
}
