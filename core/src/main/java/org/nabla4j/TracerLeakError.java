package org.nabla4j;

/** A traced value escaped the transformation that made it (stored in a field, returned through a side channel) and was used after its trace ended. */
public class TracerLeakError extends NablaException {
    public TracerLeakError(String message) { super(message); }
}
