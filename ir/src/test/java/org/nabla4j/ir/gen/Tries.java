package org.nabla4j.ir.gen;

import org.quicktheories.QuickTheory;

/**
 * How many random cases a property test tries: the system property {@code nabla.tries}, which
 * Surefire passes from the build (60 by default, so CI stays fast; {@code -Dnabla.tries=1000}
 * for a deeper run).
 */
public final class Tries {
    private Tries() {}

    public static int count() { return Integer.getInteger("nabla.tries", 60); }

    /** QuickTheories set to {@link #count()} examples. */
    public static QuickTheory qt() { return QuickTheory.qt().withExamples(count()); }
}
