package org.nabla4j;

/**
 * Thrown in {@code Nabla.config().debugNans(true)} mode when an operation produces a NaN from
 * inputs that had none: names the primitive, its operand types and the user's line.
 */
public class NanError extends NablaException {
    public NanError(String message) { super(message); }
}
