package org.nabla4j;

/**
 * The error function and its inverse, as {@link Random} needs them: {@code erfInv} over arrays
 * (built from {@link Np} operations, so it traces) and {@code erf} of a Java double (for bounds
 * known when a program is built).
 */
final class ErrorFunction {
    private ErrorFunction() {}

    // M. Giles, "Approximating the erfinv function" (GPU Computing Gems, 2011): with
    // w = -log((1 - x)(1 + x)), erfinv(x) = x * p(w') where p is a polynomial in a shifted w (or
    // sqrt(w)) chosen by the size of w. These are the coefficients of his single- and double-precision
    // versions, the ones XLA's ErfInv (and so jax.lax.erf_inv) evaluates; highest degree first.
    private static final double[] F32_CENTRAL = {
        2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
        -0.00417768164, 0.246640727, 1.50140941};
    private static final double[] F32_TAIL = {
        -0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
        0.00943887047, 1.00167406, 2.83297682};
    private static final double[] F64_CENTRAL = {
        -3.6444120640178196996e-21, -1.685059138182016589e-19, 1.2858480715256400167e-18, 1.115787767802518096e-17,
        -1.333171662854620906e-16, 2.0972767875968561637e-17, 6.6376381343583238325e-15, -4.0545662729752068639e-14,
        -8.1519341976054721522e-14, 2.6335093153082322977e-12, -1.2975133253453532498e-11, -5.4154120542946279317e-11,
        1.051212273321532285e-09, -4.1126339803469836976e-09, -2.9070369957882005086e-08, 4.2347877827932403518e-07,
        -1.3654692000834678645e-06, -1.3882523362786468719e-05, 0.0001867342080340571352, -0.00074070253416626697512,
        -0.0060336708714301490533, 0.24015818242558961693, 1.6536545626831027356};
    private static final double[] F64_MIDDLE = {
        2.2137376921775787049e-09, 9.0756561938885390979e-08, -2.7517406297064545428e-07, 1.8239629214389227755e-08,
        1.5027403968909827627e-06, -4.013867526981545969e-06, 2.9234449089955446044e-06, 1.2475304481671778723e-05,
        -4.7318229009055733981e-05, 6.8284851459573175448e-05, 2.4031110387097893999e-05, -0.0003550375203628474796,
        0.00095328937973738049703, -0.0016882755560235047313, 0.0024914420961078508066, -0.0037512085075692412107,
        0.005370914553590063617, 1.0052589676941592334, 3.0838856104922207635};
    private static final double[] F64_TAIL = {
        -2.7109920616438573243e-11, -2.5556418169965252055e-10, 1.5076572693500548083e-09, -3.7894654401267369937e-09,
        7.6157012080783393804e-09, -1.4960026627149240478e-08, 2.9147953450901080826e-08, -6.7711997758452339498e-08,
        2.2900482228026654717e-07, -9.9298272942317002539e-07, 4.5260625972231537039e-06, -1.9681778105531670567e-05,
        7.5995277030017761139e-05, -0.00021503011930044477347, -0.00013871931833623122026, 1.0103004648645343977,
        4.8499064014085844221};

    /** The inverse error function of an f32 or f64 array with values in [-1, 1]; ±1 give ±the dtype's largest value. */
    static NDArray erfInv(NDArray x) {
        NDArray w = Np.log1p(x.mul(x).neg()).neg();
        NDArray p = x.dtype() == DType.F64 ? erfInvPolynomial64(w) : erfInvPolynomial32(w);
        double max = x.dtype() == DType.F64 ? Double.MAX_VALUE : Float.MAX_VALUE;
        return Np.where(x.abs().eq(1), x.mul(max), p.mul(x));
    }

    private static NDArray erfInvPolynomial32(NDArray w) {
        NDArray central = w.lt(5);
        NDArray t = Np.where(central, w.sub(2.5), Np.sqrt(w).sub(3));
        NDArray p = Np.where(central, Np.fullLike(w, F32_CENTRAL[0]), Np.fullLike(w, F32_TAIL[0]));
        for (int i = 1; i < F32_CENTRAL.length; i++) {
            p = Np.where(central, Np.fullLike(w, F32_CENTRAL[i]), Np.fullLike(w, F32_TAIL[i])).add(p.mul(t));
        }
        return p;
    }

    /** Three regions (w < 6.25, w < 16, beyond) with polynomials of degree 22, 18 and 16, evaluated in one Horner pass as XLA does. */
    private static NDArray erfInvPolynomial64(NDArray w) {
        NDArray central = w.lt(6.25), middle = w.lt(16);
        NDArray t = Np.where(central, w.sub(3.125), Np.sqrt(w).sub(Np.where(middle, Np.fullLike(w, 3.25), Np.fullLike(w, 5))));
        NDArray p = coefficient64(0, central, middle, w);
        for (int i = 1; i < F64_CENTRAL.length; i++) {
            NDArray next = coefficient64(i, central, middle, w).add(p.mul(t));
            // The shorter polynomials end early: their last coefficient is the constant term.
            if (i >= F64_TAIL.length && i < F64_MIDDLE.length) next = Np.where(middle, next, p);
            if (i >= F64_MIDDLE.length) next = Np.where(central, next, p);
            p = next;
        }
        return p;
    }

    private static NDArray coefficient64(int i, NDArray central, NDArray middle, NDArray like) {
        NDArray c = Np.fullLike(like, F64_CENTRAL[i]);
        if (i < F64_MIDDLE.length) c = Np.where(central, c, Np.fullLike(like, F64_MIDDLE[i]));
        if (i < F64_TAIL.length) c = Np.where(middle, c, Np.fullLike(like, F64_TAIL[i]));
        return c;
    }

    /**
     * erf(x) to a few ulps. Below |x| = 1.5 it sums the series
     * {@code erf(x) = 2/sqrt(pi) e^{-x^2} sum_n 2^n x^{2n+1} / (1*3*...*(2n+1))}, whose terms are all
     * positive, smallest first; above, it is {@code 1 - erfc(x)} with erfc from Laplace's continued
     * fraction {@code erfc(x) = e^{-x^2}/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))},
     * evaluated from depth 100 up. Beyond |x| = 6, erf is ±1 in double precision.
     */
    static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double a = Math.abs(x);
        if (a >= 6) return Math.signum(x);
        double r;
        if (a < 1.5) {
            double[] terms = new double[64];
            terms[0] = a;
            int n = 1;
            for (; n < terms.length && terms[n - 1] > 1e-18 * a; n++) terms[n] = terms[n - 1] * 2 * a * a / (2 * n + 1);
            double sum = 0;
            for (int i = n - 1; i >= 0; i--) sum += terms[i];
            r = 2 / Math.sqrt(Math.PI) * Math.exp(-a * a) * sum;
        } else {
            double t = a;
            for (int k = 100; k >= 1; k--) t = a + k / 2.0 / t;
            r = 1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / t;
        }
        return Math.copySign(r, x);
    }
}
