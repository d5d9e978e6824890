package org.nabla4j;

/**
 * Base of every exception nabla4j throws on bad input. The message ends with the user's call site:
 * the first stack frame that is not nabla4j's own code.
 */
public class NablaException extends RuntimeException {
    private final String userFrame;

    public NablaException(String message) {
        this(message, null);
    }

    public NablaException(String message, Throwable cause) {
        this(message, cause, UserFrames.find());
    }

    private NablaException(String message, Throwable cause, String userFrame) {
        super(userFrame == null ? message : message + " (at " + userFrame + ")", cause);
        this.userFrame = userFrame;
    }

    /** The user's frame, e.g. {@code com.acme.Model.loss(Model.java:12)}, or null if none was found. */
    public String userFrame() { return userFrame; }
}
