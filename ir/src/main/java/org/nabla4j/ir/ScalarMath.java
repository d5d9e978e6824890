package org.nabla4j.ir;

/**
 * The scalar semantics of the elementwise primitives where Java's operators or {@link Math}
 * differ from NumPy/XLA. The interpreter and compiled code both call these, so they agree exactly.
 */
public final class ScalarMath {
    private ScalarMath() {}

    /** {@code 1 / (1 + exp(-x))} without overflow for large |x|. */
    public static double logistic(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    public static double exp2(double x) {
        return Math.pow(2, x);
    }

    public static double rsqrt(double x) {
        return 1 / Math.sqrt(x);
    }

    /** -1, 0 or 1, and NaN for NaN; keeps the sign of zero. */
    public static double sign(double x) {
        return Double.isNaN(x) ? x : Math.signum(x);
    }

    /** C's pow (as NumPy and XLA): unlike Math.pow, pow(1, y) is 1 even for NaN y, and pow(-1, ±inf) is 1. */
    public static double pow(double base, double exp) {
        if (base == 1 || (base == -1 && Double.isInfinite(exp))) return 1;
        return Math.pow(base, exp);
    }

    /** Integer power by squaring, wrapping like Java arithmetic; negative exponents give 0 unless |base| is 1. */
    public static long intPow(long base, long exp) {
        if (exp < 0) return base == 1 ? 1 : base == -1 ? ((exp & 1) == 0 ? 1 : -1) : 0;
        long result = 1;
        long b = base;
        long e = exp;
        while (e > 0) {
            if ((e & 1) != 0) result *= b;
            b *= b;
            e >>= 1;
        }
        return result;
    }

    /** Integer division truncating toward zero; division by zero gives 0. */
    public static long idiv(long a, long b) {
        return b == 0 ? 0 : a / b;
    }

    /** Integer remainder with the dividend's sign; by zero gives 0. */
    public static long irem(long a, long b) {
        return b == 0 ? 0 : a % b;
    }
}
