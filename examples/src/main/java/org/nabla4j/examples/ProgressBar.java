package org.nabla4j.examples;

import java.io.PrintStream;

/**
 * A one-line text progress bar, redrawn in place with a carriage return and closed with a newline:
 * {@code epoch  3/20 [=========>          ] 11/22  loss 0.2310}. Plain ASCII, so it reads the same in a
 * terminal, through {@code mvn exec:exec} (where the program's output is a pipe, not a terminal) and
 * in a CI log.
 */
final class ProgressBar {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000;

    private final PrintStream out;
    private final String label;
    private final int total;
    private long lastDraw;

    ProgressBar(PrintStream out, String label, int total) {
        this.out = out;
        this.label = label;
        this.total = total;
    }

    /** Redraws after {@code done} of {@code total} steps, at most ten times a second so that logs stay short. */
    void step(int done, String message) {
        long now = System.nanoTime();
        if (lastDraw != 0 && now - lastDraw < REDRAW_NANOS) return;
        lastDraw = now;
        out.print("\r" + line(done, message));
        out.flush();
    }

    /** The final state of the bar, then a newline. */
    void finish(String message) {
        out.print("\r" + line(total, message) + "\n");
        out.flush();
    }

    String line(int done, String message) {
        int filled = total == 0 ? WIDTH : WIDTH * done / total;
        String bar = "=".repeat(Math.max(0, filled - 1)) + (filled == 0 ? "" : filled == WIDTH ? "=" : ">") + " ".repeat(WIDTH - filled);
        String count = String.valueOf(total);
        return String.format("%s [%s] %" + count.length() + "d/%s  %s", label, bar, done, count, message);
    }
}
