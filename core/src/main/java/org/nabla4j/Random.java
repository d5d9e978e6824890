package org.nabla4j;

import java.util.Arrays;
import java.util.List;
import org.nabla4j.ir.Params;
import org.nabla4j.ir.Primitive;

/**
 * Counter-based pseudo-random numbers as JAX's {@code jax.random} with its default
 * {@code threefry2x32} implementation: the same keys and the same random bits, hence bit-for-bit the
 * same uniform, Bernoulli, randint and permutation draws (normal-based draws agree to a few ulps). There
 * is no hidden state: a <em>key</em> is an array, every function is a pure function of the key, and
 * the same key always gives the same numbers. Split a key to get independent keys; never use one key
 * twice.
 *
 * <pre>{@code
 * NDArray key = Random.key(0);                       // [0, 0], as jax.random.key(0)
 * NDArray[] k = Random.unstack(Random.split(key, 3));  // three independent keys
 * NDArray w = Random.normal(k[0], 64, 32).mul(0.1);  // f32[64,32]
 * NDArray order = Random.permutation(k[1], 1797);     // a shuffled 0..1796
 * }</pre>
 *
 * <p>A key is an i64 array of shape {@code (2,)} holding two unsigned 32-bit words (JAX's
 * {@code uint32[2]} key data); {@link #split} returns keys stacked as {@code (n, 2)}. Everything here
 * is built from {@link NDArray}/{@link Np} operations, so it runs eagerly and under {@code jit},
 * {@code grad} and {@code vmap} (e.g. {@code vmap} over split keys draws one sample per key).
 * Unsigned 32-bit arithmetic is emulated in i64: sums are masked with {@code 0xFFFFFFFF}, shifts are
 * multiplications and divisions by powers of two.
 *
 * <p>JAX has two layouts of the counters that {@code split} and the samplers hash; both are here.
 * This class follows JAX 0.5 and later ({@code jax_threefry_partitionable=True}, the default);
 * {@link Legacy} follows earlier versions. {@link #key}, {@link #foldIn} and {@link #threefry2x32}
 * are the same in both.
 */
public final class Random {
    private static final long MASK = 0xFFFFFFFFL;
    private static final int[][] ROTATIONS = {{13, 15, 26, 6}, {17, 29, 16, 24}};
    /** The key-schedule parity constant of Threefry-2x32 (Random123's {@code SKEIN_KS_PARITY32}). */
    private static final long PARITY = 0x1BD11BDAL;

    /** How split and the samplers lay out the counters they hash. */
    private enum Scheme { PARTITIONABLE, ORIGINAL }

    private Random() {}

    // ---- keys ----

    /**
     * The key of a seed: {@code [seed >>> 32, seed & 0xFFFFFFFF]}, as {@code jax.random.key(seed)}
     * (and {@code PRNGKey}) with a 64-bit seed. Seeds in {@code [0, 2^31)} give the same key in JAX
     * with or without {@code jax_enable_x64}; a negative seed gives JAX's x64 key ({@code key(-1)} is
     * {@code [0xFFFFFFFF, 0xFFFFFFFF]}).
     */
    public static NDArray key(long seed) {
        return NDArray.of(seed >>> 32, seed & MASK);
    }

    /** The key of an integer scalar seed that may be traced (e.g. {@code vmap(Random::key)} over seeds); an i32 seed has high word 0. */
    public static NDArray key(NDArray seed) {
        checkIntegerScalar("key", "seed", seed);
        NDArray s = seed.astype(DType.I64);
        NDArray lo = s.and(u32(MASK));
        NDArray hi = seed.dtype() == DType.I64 ? divide(s.sub(lo), 1L << 32).and(u32(MASK)) : Np.zerosLike(lo);
        return Np.stack(hi, lo);
    }

    /**
     * JAX's {@code threefry_2x32(key, count)}: the Threefry-2x32 block cipher with 20 rounds
     * (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011) applied to a counter
     * array. The counters are flattened, padded with a 0 to even length and cut into halves
     * {@code x0, x1}; block {@code i} encrypts {@code (x0[i], x1[i])}, and the two output words
     * are the i-th elements of the two halves of the result, which has the counters' shape.
     */
    public static NDArray threefry2x32(NDArray key, NDArray count) {
        NDArray[] k = words("threefry2x32", key);
        if (!count.dtype().isInteger()) throw new DTypeError("threefry2x32: counters must be integers, got " + count.abstractType());
        int n = count.size();
        if (n == 0) return count.astype(DType.I64);
        NDArray flat = count.astype(DType.I64).reshape(-1).and(u32(MASK));
        if (n % 2 == 1) flat = Np.concatenate(flat, NDArray.of(0L));
        int half = flat.size() / 2;
        NDArray[] out = hash(k[0], k[1], flat.slice(0, 0, half), flat.slice(0, half, 2 * half));
        NDArray joined = Np.concatenate(out[0], out[1]);
        return (n % 2 == 1 ? joined.slice(0, 0, n) : joined).reshape(count.shape());
    }

    /** Two new keys, stacked as {@code (2, 2)}: {@code split(key, 2)}. */
    public static NDArray split(NDArray key) { return split(key, 2); }

    /**
     * {@code n} new keys, stacked as {@code (n, 2)}. Key {@code i} is the cipher of the counter
     * {@code (0, i)}, so {@code split(key, n)[i]} equals {@code foldIn(key, i)} (JAX's
     * {@code _threefry_split_foldlike}).
     */
    public static NDArray split(NDArray key, int n) { return split(Scheme.PARTITIONABLE, key, n); }

    /**
     * A new key from a key and an integer, e.g. a step counter or a worker index: the cipher of
     * the counter {@code (0, data mod 2^32)}, as {@code jax.random.fold_in}.
     */
    public static NDArray foldIn(NDArray key, long data) {
        NDArray[] k = words("foldIn", key);
        return Np.stack(hash(k[0], k[1], u32(0), u32(data & MASK)));
    }

    /** {@link #foldIn(NDArray, long)} with integer scalar data that may be traced. */
    public static NDArray foldIn(NDArray key, NDArray data) {
        NDArray[] k = words("foldIn", key);
        checkIntegerScalar("foldIn", "data", data);
        return Np.stack(hash(k[0], k[1], u32(0), data.astype(DType.I64).and(u32(MASK))));
    }

    /** The keys of a {@code (n, 2)} stack, e.g. from {@link #split}, as an array: {@code var k = unstack(split(key, 3))}. */
    public static NDArray[] unstack(NDArray keys) {
        if (keys.ndim() != 2 || keys.shape()[1] != 2) throw new ShapeError("unstack: expects keys of shape (n, 2), got " + keys.abstractType());
        NDArray[] out = new NDArray[keys.shape()[0]];
        for (int i = 0; i < out.length; i++) out[i] = keys.get(i);
        return out;
    }

    // ---- samplers ----

    /**
     * Uniform random 32-bit words as i64 values in {@code [0, 2^32)} ({@code jax.random.bits} with
     * uint32). Element {@code j} (in row-major order) is the xor of the two words of the cipher of the
     * counter {@code (0, j)}.
     */
    public static NDArray bits(NDArray key, int... shape) { return bits(Scheme.PARTITIONABLE, key, shape); }

    /** f32 values uniform in {@code [0, 1)}: {@code uniform(key, shape)}. */
    public static NDArray uniform(NDArray key, int... shape) { return uniform(Scheme.PARTITIONABLE, key, shape, DType.F32, 0, 1); }

    /** Values of {@code dtype} (F32 or F64) uniform in {@code [0, 1)}. */
    public static NDArray uniform(NDArray key, DType dtype, int... shape) { return uniform(Scheme.PARTITIONABLE, key, shape, dtype, 0, 1); }

    /**
     * Values of {@code dtype} uniform in {@code [minval, maxval)}, as {@code jax.random.uniform}: the
     * top mantissa-width bits of random words make a float {@code f} in {@code [0, 1)} (for f32,
     * {@code f = (bits >>> 9) * 2^-23}, which is JAX's bitcast of {@code (bits >>> 9) | 0x3F800000}
     * minus 1; f64 uses 64 random bits and 52 mantissa bits), then
     * {@code max(minval, f * (maxval - minval) + minval)}, all in {@code dtype}.
     */
    public static NDArray uniform(NDArray key, int[] shape, DType dtype, double minval, double maxval) {
        return uniform(Scheme.PARTITIONABLE, key, shape, dtype, minval, maxval);
    }

    /** Standard normal f32 values. */
    public static NDArray normal(NDArray key, int... shape) { return normal(Scheme.PARTITIONABLE, key, DType.F32, shape); }

    /**
     * Standard normal values of {@code dtype} (F32 or F64), as {@code jax.random.normal}: uniform
     * {@code u} in {@code [nextUp(-1), 1)}, then {@code sqrt(2) * erfinv(u)}, with erfinv evaluated by
     * Giles' polynomials as XLA does. Values agree with JAX's to a few ulps (log1p may round
     * differently on XLA's CPU backend), not always bit for bit.
     */
    public static NDArray normal(NDArray key, DType dtype, int... shape) { return normal(Scheme.PARTITIONABLE, key, dtype, shape); }

    /** Standard normal f32 values conditioned on {@code lower < x < upper}. */
    public static NDArray truncatedNormal(NDArray key, double lower, double upper, int... shape) {
        return truncatedNormal(Scheme.PARTITIONABLE, key, lower, upper, DType.F32, shape);
    }

    /**
     * Standard normal values of {@code dtype} truncated to {@code (lower, upper)} (either may be
     * infinite), as {@code jax.random.truncated_normal}: {@code u} uniform in
     * {@code [erf(lower/sqrt 2), erf(upper/sqrt 2))}, then {@code sqrt(2) * erfinv(u)} clipped to the
     * open interval. The bounds' erf is computed here in double precision (JAX evaluates it in
     * {@code dtype}), which can move a value by an ulp.
     */
    public static NDArray truncatedNormal(NDArray key, double lower, double upper, DType dtype, int... shape) {
        return truncatedNormal(Scheme.PARTITIONABLE, key, lower, upper, dtype, shape);
    }

    /** Booleans that are true with probability {@code p}: {@code uniform(key, shape) < p} in f32. */
    public static NDArray bernoulli(NDArray key, double p, int... shape) {
        return bernoulli(Scheme.PARTITIONABLE, key, NDArray.scalar((float) p), shape);
    }

    /** Booleans true with probability {@code p} (a float array broadcast against {@code shape}; an empty shape means p's shape). */
    public static NDArray bernoulli(NDArray key, NDArray p, int... shape) { return bernoulli(Scheme.PARTITIONABLE, key, p, shape); }

    /**
     * i32 values uniform in {@code [minval, maxval)} ({@code minval} when {@code maxval <= minval}), as
     * {@code jax.random.randint}: two keys from {@code split(key)}, two random words {@code hi, lo}
     * per element, and {@code minval + (hi mod span * (2^32 mod span) + lo mod span) mod span} in
     * wrapping 32-bit arithmetic, which is nearly unbiased even for large spans.
     */
    public static NDArray randint(NDArray key, int[] shape, int minval, int maxval) {
        return randint(Scheme.PARTITIONABLE, key, shape, minval, maxval);
    }

    /** Standard Gumbel f32 values: {@code -log(-log(u))} with {@code u} uniform in {@code [tiny, 1)}. */
    public static NDArray gumbel(NDArray key, int... shape) { return gumbel(Scheme.PARTITIONABLE, key, DType.F32, shape); }

    /** Standard Gumbel values of {@code dtype}. */
    public static NDArray gumbel(NDArray key, DType dtype, int... shape) { return gumbel(Scheme.PARTITIONABLE, key, dtype, shape); }

    /** One class index per row of {@code logits} (unnormalized log-probabilities along the last axis), as i32. */
    public static NDArray categorical(NDArray key, NDArray logits) { return categorical(Scheme.PARTITIONABLE, key, logits, -1); }

    /**
     * Class indices drawn from {@code softmax(logits, axis)}, as {@code jax.random.categorical}: the
     * argmax of {@code logits + gumbel noise} (the Gumbel-max trick). {@code shape} is the result's
     * shape: empty for one draw per batch element, or any shape ending in the batch shape (the
     * logits' shape without {@code axis}) for several.
     */
    public static NDArray categorical(NDArray key, NDArray logits, int axis, int... shape) {
        return categorical(Scheme.PARTITIONABLE, key, logits, axis, shape);
    }

    /**
     * A random permutation of {@code 0 .. n-1} (i32), as {@code jax.random.permutation(key, n)}: the
     * values are sorted by random 32-bit keys ({@code ceil(3 ln n / ln(2^32 - 1))} rounds, one for
     * {@code n < 1626}, each round with a fresh subkey from {@code split}).
     */
    public static NDArray permutation(NDArray key, int n) { return permutation(Scheme.PARTITIONABLE, key, n); }

    /** {@code x} with its slices along axis 0 in random order (the same order as {@code permutation(key, x.shape()[0])}). */
    public static NDArray permutation(NDArray key, NDArray x) { return permutation(Scheme.PARTITIONABLE, key, x); }

    /**
     * The counter layout of JAX before 0.5, and of later versions with
     * {@code jax.config.update("jax_threefry_partitionable", False)}: {@code split(key, n)} hashes the
     * counters {@code 0 .. 2n-1} as one {@link #threefry2x32} array and reshapes the result to
     * {@code (n, 2)}, and samplers take their words from {@code threefry2x32(key, iota(size))}
     * (f64 from {@code iota(2 size)}: high words first, then low words). The distributions are
     * computed from the words exactly as in {@link Random}. Use it to reproduce numbers from older
     * JAX code.
     */
    public static final class Legacy {
        private Legacy() {}

        /** {@link Random#split(NDArray, int)} in the original layout. */
        public static NDArray split(NDArray key, int n) { return Random.split(Scheme.ORIGINAL, key, n); }

        /** {@link Random#split(NDArray)} in the original layout. */
        public static NDArray split(NDArray key) { return split(key, 2); }

        /** {@link Random#bits} in the original layout. */
        public static NDArray bits(NDArray key, int... shape) { return Random.bits(Scheme.ORIGINAL, key, shape); }

        /** {@link Random#uniform(NDArray, int...)} in the original layout. */
        public static NDArray uniform(NDArray key, int... shape) { return Random.uniform(Scheme.ORIGINAL, key, shape, DType.F32, 0, 1); }

        /** {@link Random#uniform(NDArray, int[], DType, double, double)} in the original layout. */
        public static NDArray uniform(NDArray key, int[] shape, DType dtype, double minval, double maxval) {
            return Random.uniform(Scheme.ORIGINAL, key, shape, dtype, minval, maxval);
        }

        /** {@link Random#normal(NDArray, DType, int...)} in the original layout. */
        public static NDArray normal(NDArray key, DType dtype, int... shape) { return Random.normal(Scheme.ORIGINAL, key, dtype, shape); }

        /** {@link Random#truncatedNormal(NDArray, double, double, DType, int...)} in the original layout. */
        public static NDArray truncatedNormal(NDArray key, double lower, double upper, DType dtype, int... shape) {
            return Random.truncatedNormal(Scheme.ORIGINAL, key, lower, upper, dtype, shape);
        }

        /** {@link Random#bernoulli(NDArray, double, int...)} in the original layout. */
        public static NDArray bernoulli(NDArray key, double p, int... shape) {
            return Random.bernoulli(Scheme.ORIGINAL, key, NDArray.scalar((float) p), shape);
        }

        /** {@link Random#randint} in the original layout. */
        public static NDArray randint(NDArray key, int[] shape, int minval, int maxval) {
            return Random.randint(Scheme.ORIGINAL, key, shape, minval, maxval);
        }

        /** {@link Random#gumbel(NDArray, DType, int...)} in the original layout. */
        public static NDArray gumbel(NDArray key, DType dtype, int... shape) { return Random.gumbel(Scheme.ORIGINAL, key, dtype, shape); }

        /** {@link Random#categorical(NDArray, NDArray, int, int...)} in the original layout. */
        public static NDArray categorical(NDArray key, NDArray logits, int axis, int... shape) {
            return Random.categorical(Scheme.ORIGINAL, key, logits, axis, shape);
        }

        /** {@link Random#permutation(NDArray, int)} in the original layout. */
        public static NDArray permutation(NDArray key, int n) { return Random.permutation(Scheme.ORIGINAL, key, n); }
    }

    // ---- the two counter layouts ----

    private static NDArray split(Scheme scheme, NDArray key, int n) {
        if (n < 0) throw new ShapeError("split: the number of keys must be >= 0, got " + n);
        return switch (scheme) {
            case PARTITIONABLE -> {
                NDArray[] k = words("split", key);
                yield Np.stack(List.of(hash(k[0], k[1], u32(0), counters(new int[] {n}))), 1);
            }
            case ORIGINAL -> threefry2x32(key, counters(new int[] {2 * n})).reshape(n, 2);
        };
    }

    /** 32 random bits per element. */
    private static NDArray bits(Scheme scheme, NDArray key, int[] shape) {
        NDArray.checkedShape("bits", shape);
        return switch (scheme) {
            case PARTITIONABLE -> {
                NDArray[] k = words("bits", key);
                NDArray[] w = hash(k[0], k[1], u32(0), counters(shape));
                yield xor(w[0], w[1]);
            }
            case ORIGINAL -> threefry2x32(key, counters(shape));
        };
    }

    /** 64 random bits per element as {high word, low word}. */
    private static NDArray[] bits64(Scheme scheme, NDArray key, int[] shape) {
        return switch (scheme) {
            case PARTITIONABLE -> {
                NDArray[] k = words("bits", key);
                yield hash(k[0], k[1], u32(0), counters(shape));
            }
            case ORIGINAL -> {
                int n = NDArray.checkedShape("bits", shape).size();
                NDArray w = threefry2x32(key, counters(new int[] {2 * n}));
                yield new NDArray[] {w.slice(0, 0, n).reshape(shape), w.slice(0, n, 2 * n).reshape(shape)};
            }
        };
    }

    /** Row-major element indices of {@code shape}: JAX's {@code iota_2x32_shape} low words (the high words are 0 below 2^32 elements). */
    private static NDArray counters(int[] shape) {
        int n = NDArray.checkedShape("random", shape).size();
        return NDArray.arange(n).astype(DType.I64).reshape(shape);
    }

    // ---- distributions (shared by both layouts) ----

    private static NDArray uniform(Scheme scheme, NDArray key, int[] shape, DType dtype, double minval, double maxval) {
        NDArray unit = switch (dtype) {
            case F32 -> divide(bits(scheme, key, shape), 1L << 9).astype(DType.F32).mul(NDArray.scalar(0x1p-23f));
            case F64 -> {
                NDArray[] w = bits64(scheme, key, shape);
                NDArray mantissa = w[0].mul(u32(1L << 20)).add(divide(w[1], 1L << 12));
                yield mantissa.astype(DType.F64).mul(NDArray.scalar(0x1p-52));
            }
            default -> throw new DTypeError("uniform: dtype must be F32 or F64, got " + dtype);
        };
        NDArray lo = typed(minval, dtype);
        NDArray span = dtype == DType.F32 ? NDArray.scalar((float) maxval - (float) minval) : NDArray.scalar(maxval - minval);
        return Np.maximum(lo, unit.mul(span).add(lo));
    }

    private static NDArray normal(Scheme scheme, NDArray key, DType dtype, int[] shape) {
        double lo = dtype == DType.F32 ? Math.nextUp(-1f) : Math.nextUp(-1.0);
        NDArray u = uniform(scheme, key, shape, dtype, lo, 1);
        return ErrorFunction.erfInv(u).mul(typed(Math.sqrt(2), dtype));
    }

    private static NDArray truncatedNormal(Scheme scheme, NDArray key, double lower, double upper, DType dtype, int[] shape) {
        if (!(lower < upper)) throw new NablaException("truncatedNormal: needs lower < upper, got " + lower + " and " + upper);
        boolean f32 = dtype == DType.F32;
        double sqrt2 = f32 ? (float) Math.sqrt(2) : Math.sqrt(2);
        double a = ErrorFunction.erf(f32 ? (float) ((float) lower / (float) sqrt2) : lower / sqrt2);
        double b = ErrorFunction.erf(f32 ? (float) ((float) upper / (float) sqrt2) : upper / sqrt2);
        NDArray u = uniform(scheme, key, shape, dtype, f32 ? (float) a : a, f32 ? (float) b : b);
        NDArray x = ErrorFunction.erfInv(u).mul(typed(sqrt2, dtype));
        double lowest = f32 ? Math.nextUp((float) lower) : Math.nextUp(lower);
        double highest = f32 ? Math.nextDown((float) upper) : Math.nextDown(upper);
        return Np.clip(x, lowest, highest);
    }

    private static NDArray bernoulli(Scheme scheme, NDArray key, NDArray p, int[] shape) {
        if (!p.dtype().isFloating()) throw new DTypeError("bernoulli: p must be a float array, got " + p.abstractType());
        int[] s = shape.length == 0 ? p.shape() : shape;
        return uniform(scheme, key, s, p.dtype(), 0, 1).lt(p);
    }

    private static NDArray randint(Scheme scheme, NDArray key, int[] shape, int minval, int maxval) {
        NDArray keys = split(scheme, key, 2);
        NDArray hi = bits(scheme, keys.get(0), shape), lo = bits(scheme, keys.get(1), shape);
        long span = maxval <= minval ? 1 : (long) maxval - minval;
        // 2^32 mod span, via (2^16 mod span)^2 mod span so that nothing overflows 32 bits, as JAX does.
        long multiplier = (1L << 16) % span;
        multiplier = multiplier * multiplier % span;
        NDArray s = u32(span);
        NDArray offset = Np.fmod(hi, s).mul(u32(multiplier)).and(u32(MASK)).add(Np.fmod(lo, s)).and(u32(MASK));
        return Np.fmod(offset, s).add(u32(minval)).astype(DType.I32);
    }

    private static NDArray gumbel(Scheme scheme, NDArray key, DType dtype, int[] shape) {
        double tiny = dtype == DType.F32 ? Float.MIN_NORMAL : Double.MIN_NORMAL;
        return Np.log(Np.log(uniform(scheme, key, shape, dtype, tiny, 1)).neg()).neg();
    }

    private static NDArray categorical(Scheme scheme, NDArray key, NDArray logits, int axis, int... shape) {
        NDArray l = Ops.toInexact("categorical", logits);
        int a = Ops.axis("categorical", l, axis) - l.ndim();
        int[] batch = new int[l.ndim() - 1];
        for (int i = 0, j = 0; i < l.ndim(); i++) {
            if (i != a + l.ndim()) batch[j++] = l.shape()[i];
        }
        int[] s = shape.length == 0 ? batch : shape;
        if (s.length < batch.length || !Arrays.equals(Arrays.copyOfRange(s, s.length - batch.length, s.length), batch)) {
            throw new ShapeError("categorical: shape " + Arrays.toString(shape) + " must end with the logits' batch shape " + Arrays.toString(batch)
                    + " (" + l.abstractType() + " without axis " + axis + ")");
        }
        int[] noiseShape = Arrays.copyOf(s, s.length + 1);
        int insertAt = s.length + 1 + a;
        System.arraycopy(s, insertAt, noiseShape, insertAt + 1, s.length - insertAt);
        noiseShape[insertAt] = l.shape()[a + l.ndim()];
        return Np.argmax(gumbel(scheme, key, l.dtype(), noiseShape).add(l), a);
    }

    private static NDArray permutation(Scheme scheme, NDArray key, int n) {
        if (n < 0) throw new ShapeError("permutation: n must be >= 0, got " + n);
        return shuffle(scheme, key, NDArray.arange(n));
    }

    private static NDArray permutation(Scheme scheme, NDArray key, NDArray x) {
        if (x.ndim() == 0) throw new ShapeError("permutation: x must have at least one axis, got " + x.abstractType() + " (use permutation(key, n))");
        if (x.ndim() == 1) return shuffle(scheme, key, x);
        int[] shape = new int[x.ndim()];
        Arrays.fill(shape, 1);
        shape[0] = x.shape()[0];
        NDArray order = shuffle(scheme, key, NDArray.arange(x.shape()[0])).reshape(shape);
        return Np.takeAlongAxis(x, order.broadcastTo(x.shape()), 0);
    }

    /** JAX's {@code _shuffle} of a vector: rounds of sorting by fresh random words, stable among equal words. */
    private static NDArray shuffle(Scheme scheme, NDArray key, NDArray x) {
        int rounds = (int) Math.ceil(3 * Math.log(Math.max(1, x.size())) / Math.log(MASK));
        NDArray k = key, out = x;
        for (int r = 0; r < rounds; r++) {
            NDArray keys = split(scheme, k, 2);
            k = keys.get(0);
            NDArray sortKeys = bits(scheme, keys.get(1), out.shape());
            out = Np.takeAlongAxis(out, Np.argsort(sortKeys, 0), 0);
        }
        return out;
    }

    // ---- Threefry-2x32 and 32-bit arithmetic in i64 ----

    /** The cipher of counter pairs {@code (x0, x1)} under key words {@code (k0, k1)}: the 20-round function of JAX's {@code _threefry2x32_lowering}. */
    private static NDArray[] hash(NDArray k0, NDArray k1, NDArray x0, NDArray x1) {
        NDArray[] ks = {k0, k1, xor(xor(k0, k1), u32(PARITY))};
        // Counters broadcast against each other (e.g. a scalar high word of 0 against an iota).
        int[] shape = Ops.broadcastShapes("threefry2x32", x0, x1);
        NDArray a = add32(x0.broadcastTo(shape), ks[0]), b = add32(x1.broadcastTo(shape), ks[1]);
        for (int i = 0; i < 5; i++) {
            for (int r : ROTATIONS[i % 2]) {
                a = add32(a, b);
                b = xor(rotateLeft(b, r), a);
            }
            // Key injection: the schedule rotates through (k0, k1, k0^k1^parity), plus the round count.
            a = add32(a, ks[(i + 1) % 3]);
            b = add32(b, ks[(i + 2) % 3].add(u32(i + 1)));
        }
        return new NDArray[] {a, b};
    }

    private static NDArray xor(NDArray x, NDArray y) {
        return Np.logicalXor(x, y);   // bitwise on integers
    }

    private static NDArray add32(NDArray x, NDArray y) {
        return x.add(y).and(u32(MASK));
    }

    /** {@code (x << r | x >>> (32 - r))} on 32 bits; {@code x * 2^r < 2^61} cannot overflow i64. */
    private static NDArray rotateLeft(NDArray x, int r) {
        return x.mul(u32(1L << r)).and(u32(MASK)).or(divide(x, 1L << (32 - r)));
    }

    /**
     * Integer division of non-negative i64 values by a power of two, i.e. a logical shift right
     * (the IR's integer {@code div} truncates, like {@code lax.div}; {@link Np#floorDivide} is not used
     * because it goes through f32 and would round words above 2^24).
     */
    private static NDArray divide(NDArray x, long divisor) {
        return Ops.bind1(Primitive.DIV, Params.EMPTY, x, u32(divisor));
    }

    /** An i64 scalar (a strong type, so it never changes the dtype of the words it meets). */
    private static NDArray u32(long v) {
        return NDArray.scalar(v);
    }

    private static NDArray typed(double v, DType dtype) {
        return dtype == DType.F32 ? NDArray.scalar((float) v) : NDArray.scalar(v);
    }

    /** The two words of a key as i64 scalars in {@code [0, 2^32)}. */
    private static NDArray[] words(String op, NDArray key) {
        if (!key.dtype().isInteger()) throw new DTypeError(op + ": a key is an integer array of shape (2,), got " + key.abstractType());
        if (!Arrays.equals(key.shape(), new int[] {2})) {
            throw new ShapeError(op + ": a key is an integer array of shape (2,) (from Random.key or Random.split), got " + key.abstractType()
                    + (key.ndim() == 2 && key.shape()[1] == 2 ? "; pick one key of the stack with keys.get(i), or vmap over the keys" : ""));
        }
        NDArray k = key.astype(DType.I64).and(u32(MASK));
        return new NDArray[] {k.get(0), k.get(1)};
    }

    private static void checkIntegerScalar(String op, String what, NDArray x) {
        if (x.ndim() != 0 || !x.dtype().isInteger()) {
            throw new DTypeError(op + ": " + what + " must be an integer scalar, got " + x.abstractType());
        }
    }
}
