package org.nabla4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Adler32;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link Random} against the numbers JAX publishes: the Random123 known answers its tests use,
 * values from JAX's own tests (legacy counter layout) and docstrings (current layout); then the
 * statistics of each distribution and the behaviour under jit, vmap and grad.
 */
class RandomTest {
    static final int TRIES = Integer.getInteger("nabla.tries", 60);

    static void assertWords(long[] expected, NDArray actual) {
        assertEquals(DType.I64, actual.dtype());
        assertArrayEquals(expected, actual.toLongArray());
    }

    static void assertFloats(double[] expected, NDArray actual, double tolerance) {
        assertArrayEquals(expected, actual.toDoubleArray(), tolerance, () -> "got " + actual);
    }

    @Nested
    class Threefry {
        // Random123's kat_vectors, threefry2x32 with 20 rounds; jax tests/random_test.py testThreefry2x32.
        @Test
        void matchesTheRandom123KnownAnswers() {
            assertWords(new long[] {0x6b200159L, 0x99ba4efeL}, Random.threefry2x32(NDArray.of(0L, 0L), NDArray.of(0L, 0L)));
            long max = 0xFFFFFFFFL;
            assertWords(new long[] {0x1cb996fcL, 0xbb002be7L}, Random.threefry2x32(NDArray.of(max, max), NDArray.of(max, max)));
            assertWords(new long[] {0xc4923a9cL, 0x483df7a0L},
                    Random.threefry2x32(NDArray.of(0x13198a2eL, 0x03707344L), NDArray.of(0x243f6a88L, 0x85a308d3L)));
        }

        @Test
        void hashesBlocksFromTheTwoHalvesOfTheCounters() {
            // JAX's testThreefry2x32Large, small: counters (c0, c0, c1, c1) are two blocks (c0, c1).
            NDArray out = Random.threefry2x32(NDArray.of(0x13198a2eL, 0x03707344L), NDArray.of(0x243f6a88L, 0x243f6a88L, 0x85a308d3L, 0x85a308d3L));
            assertWords(new long[] {0xc4923a9cL, 0xc4923a9cL, 0x483df7a0L, 0x483df7a0L}, out);
        }

        @Test
        void keepsTheCountersShapeAndPadsAnOddCount() {
            NDArray counters = NDArray.arange(6).reshape(2, 3);
            NDArray out = Random.threefry2x32(Random.key(7), counters);
            assertArrayEquals(new int[] {2, 3}, out.shape());
            NDArray odd = Random.threefry2x32(Random.key(7), NDArray.arange(5));
            NDArray padded = Random.threefry2x32(Random.key(7), Np.concatenate(NDArray.arange(5), NDArray.of(0)));
            assertArrayEquals(padded.slice(0, 0, 5).toLongArray(), odd.toLongArray());
        }
    }

    @Nested
    class Keys {
        @Test
        void keyOfASeedIsItsHighAndLowWordsAsInJaxWithX64() {
            // jax tests/random_test.py test_prng_seeds_and_keys (x64 rows)
            assertWords(new long[] {0, 0}, Random.key(0));
            assertWords(new long[] {0, 3}, Random.key(3));
            assertWords(new long[] {4294967295L, 4294967295L}, Random.key(-1));
            assertWords(new long[] {4294967295L, 4294967293L}, Random.key(-3));
            assertWords(new long[] {0, 2147483747L}, Random.key(Integer.MAX_VALUE + 100L));
            assertWords(new long[] {4294967295L, 2147483548L}, Random.key(Integer.MIN_VALUE - 100L));
        }

        @Test
        void keyOfAnArraySeedMatchesJaxForI32AndI64Seeds() {
            assertWords(new long[] {0, 4294967294L}, Random.key(NDArray.scalar(-2)));   // int32 seed: high word 0
            assertWords(new long[] {4294967295L, 4294967293L}, Random.key(NDArray.scalar(-3L)));
            assertWords(new long[] {0, 1701}, Random.key(NDArray.scalar(1701L)));
        }

        @Test
        void vmapOfKeyOverSeedsStacksTheKeys() {
            // JEP 9263: jax.vmap(jax.random.key)(jnp.arange(4)) overlays [[0 0] [0 1] [0 2] [0 3]]
            NDArray keys = Nabla.vmap((NDArray seed) -> Random.key(seed)).apply(NDArray.arange(4));
            assertWords(new long[] {0, 0, 0, 1, 0, 2, 0, 3}, keys.reshape(-1));
        }

        @Test
        void foldInMatchesJaxDocstrings() {
            // jax.experimental.random.StatefulPRNG.key docstring: stateful_rng(0).key() is fold_in(key(0), 0), then 1.
            assertWords(new long[] {1797259609L, 2579123966L}, Random.foldIn(Random.key(0), 0));
            assertWords(new long[] {928981903L, 3453687069L}, Random.foldIn(Random.key(0), 1));
            // stateful_rng(42) docstring: after four draws, rng.key() gives fold_in(key(42), 4), then 5.
            assertWords(new long[] {2954079971L, 3276725750L}, Random.foldIn(Random.key(42), 4));
            assertWords(new long[] {2765691542L, 824333390L}, Random.foldIn(Random.key(42), 5));
            // tests/random_test.py testPRNGValues: fold_in does not depend on the counter layout.
            assertWords(new long[] {2285895361L, 433833334L}, Random.foldIn(Random.key(0), 4));
        }

        @Test
        void foldInOfATracedIntegerEqualsFoldInOfTheValue() {
            NDArray key = Random.key(9);
            var jitted = Nabla.jit((NDArray step) -> Random.foldIn(key, step));
            assertWords(Random.foldIn(key, 123).toLongArray(), jitted.apply(NDArray.scalar(123)));
            assertWords(Random.foldIn(key, -1).toLongArray(), Random.foldIn(key, NDArray.scalar(-1)));
        }

        @Test
        void splitKeyIEqualsFoldInOfI() {
            // jax test_threefry_split_fold_in_symmetry (partitionable layout)
            NDArray key = Random.key(72);
            NDArray[] keys = Random.unstack(Random.split(key, 3));
            for (int i = 0; i < 3; i++) assertWords(Random.foldIn(key, i).toLongArray(), keys[i]);
        }

        @Test
        void legacySplitMatchesJaxsPublishedValues() {
            // tests/random_test.py testPRNGValues (original layout)
            NDArray keys = Random.Legacy.split(Random.key(0), 4);
            assertArrayEquals(new int[] {4, 2}, keys.shape());
            assertWords(new long[] {2285895361L, 1501764800L, 1518642379L, 4090693311L, 433833334L, 4221794875L, 839183663L, 3740430601L},
                    keys.reshape(-1));
        }

        @Test
        void aKeyIsCheckedWithAClearMessage() {
            NDArray keys = Random.split(Random.key(0), 3);
            ShapeError e = assertThrows(ShapeError.class, () -> Random.uniform(keys, 2));
            assertTrue(e.getMessage().contains("keys.get(i)"), e.getMessage());
            assertThrows(DTypeError.class, () -> Random.normal(NDArray.of(0f, 0f), 2));
        }
    }

    /** JAX's tests/random_test.py _RANDOM_VALUES_CASES: each case's key is key(adler32(name + "threefry2x32")), original layout. */
    @Nested
    class LegacyDistributionValues {
        NDArray keyOf(String name) {
            Adler32 a = new Adler32();
            a.update((name + "threefry2x32").getBytes(StandardCharsets.US_ASCII));
            return Random.key(a.getValue());
        }

        @Test
        void bits() {
            assertWords(new long[] {1978747883L, 4134381225L, 3628107870L, 689687174L, 2788938207L}, Random.Legacy.bits(keyOf("bits"), 5));
            // testRngRandomBits
            assertWords(new long[] {56197195L, 4200222568L, 961309823L}, Random.Legacy.bits(Random.key(1701), 3));
        }

        @Test
        void uniformF32() {
            assertFloats(new double[] {0.298671, 0.073213, 0.873356, 0.260549, 0.412797}, Random.Legacy.uniform(keyOf("uniform"), 5), 1e-6);
        }

        @Test
        void uniformF64UsesTheTop52BitsOfJaxs64BitWords() {
            // testRngRandomBits with x64: the 64-bit words of key(1701)
            String[] words = {"3982329540505020460", "16822122385914693683", "7882654074788531506"};
            double[] expected = new double[3];
            for (int i = 0; i < 3; i++) expected[i] = (Long.parseUnsignedLong(words[i]) >>> 12) * 0x1p-52;
            NDArray u = Random.Legacy.uniform(Random.key(1701), new int[] {3}, DType.F64, 0, 1);
            assertEquals(DType.F64, u.dtype());
            assertArrayEquals(expected, u.toDoubleArray(), 0);
        }

        @Test
        void normal() {
            assertFloats(new double[] {-1.173234, -1.511662, 0.070593, -0.099764, 1.052845}, Random.Legacy.normal(keyOf("normal"), DType.F32, 5), 2e-6);
        }

        @Test
        void truncatedNormal() {
            assertFloats(new double[] {0.582807, 1.709771, 0.159513, 0.861376, 0.36148},
                    Random.Legacy.truncatedNormal(keyOf("truncated_normal"), 0, 2, DType.F32, 5), 2e-6);
        }

        @Test
        void bernoulli() {
            assertArrayEquals(new boolean[] {false, true, true, true, false}, Random.Legacy.bernoulli(keyOf("bernoulli"), 0.5, 5).toBooleanArray());
        }

        @Test
        void gumbel() {
            assertFloats(new double[] {2.06701, 0.911726, 0.145736, 0.185427, -0.00711}, Random.Legacy.gumbel(keyOf("gumbel"), DType.F32, 5), 2e-6);
        }

        @Test
        void randint() {
            assertArrayEquals(new int[] {0, 5, 7, 7, 5}, Random.Legacy.randint(keyOf("randint"), new int[] {5}, 0, 10).toIntArray());
            // testPRNGValues
            assertArrayEquals(new int[] {2, 1, 3, 6, 1, 5, 6, 3, 4}, Random.Legacy.randint(Random.key(0), new int[] {3, 3}, 0, 8).toIntArray());
        }
    }

    /** Values from JAX docstrings of jax.experimental.random (JAX >= 0.5, partitionable layout); rng.key() is fold_in(key(seed), counter). */
    @Nested
    class DistributionValues {
        @Test
        void uniformScalarsOfStatefulRng42() {
            double[] expected = {0.5302608, 0.72766423, 0.6672406, 0.3890121};
            for (int i = 0; i < 4; i++) {
                NDArray u = Random.uniform(Random.foldIn(Random.key(42), i));
                assertEquals(0, u.ndim());
                assertEquals((float) expected[i], (float) u.item());
            }
        }

        @Test
        void uniformVectorOfStatefulRng1701() {
            // JEP "stateful randomness": stateful_rng(1701).random((5,))
            float[] expected = {0.09609699f, 0.26730824f, 0.5619041f, 0.24421775f, 0.7715055f};
            assertArrayEquals(expected, Random.uniform(Random.foldIn(Random.key(1701), 0), 5).toFloatArray());
        }

        @Test
        void uniformUnderVmapOverSplitKeys() {
            // StatefulPRNG.split docstring: vmap(f)(stateful_rng(123).split(3), zeros(3))
            NDArray keys = Random.split(Random.foldIn(Random.key(123), 0), 3);
            NDArray u = Nabla.vmap((NDArray k) -> Random.uniform(Random.foldIn(k, 0))).apply(keys);
            assertArrayEquals(new float[] {0.35525954f, 0.21937883f, 0.5336956f}, u.toFloatArray());
        }

        @Test
        void randintOfSpawnedGenerators() {
            // StatefulPRNG.spawn docstring: [r.integers(0, 10, 2) for r in stateful_rng(123).spawn(2)]
            NDArray[] children = Random.unstack(Random.split(Random.foldIn(Random.key(123), 0), 2));
            assertArrayEquals(new int[] {4, 5}, Random.randint(Random.foldIn(children[0], 0), new int[] {2}, 0, 10).toIntArray());
            assertArrayEquals(new int[] {2, 1}, Random.randint(Random.foldIn(children[1], 0), new int[] {2}, 0, 10).toIntArray());
        }
    }

    @Nested
    class Statistics {
        final NDArray key = Random.key(2024);
        static final int N = 100_000;

        @Test
        void uniformHasTheMeanAndVarianceOfU01() {
            for (DType t : new DType[] {DType.F32, DType.F64}) {
                NDArray u = Random.uniform(key, t, N);
                assertEquals(t, u.dtype());
                assertTrue(u.min().item() >= 0 && u.max().item() < 1);
                assertEquals(0.5, u.mean().item(), 0.005);
                assertEquals(1 / 12.0, Np.var(u).item(), 0.002);
            }
        }

        @Test
        void uniformRespectsItsBounds() {
            NDArray u = Random.uniform(key, new int[] {N}, DType.F32, -3, 5);
            assertTrue(u.min().item() >= -3 && u.max().item() < 5);
            assertEquals(1, u.mean().item(), 0.05);
        }

        @Test
        void normalHasMeanZeroVarianceOneAndNormalTails() {
            for (DType t : new DType[] {DType.F32, DType.F64}) {
                NDArray z = Random.normal(key, t, N);
                assertEquals(0, z.mean().item(), 0.015);
                assertEquals(1, Np.var(z).item(), 0.02);
                double beyond2 = z.abs().gt(2).astype(DType.F32).mean().item();
                assertEquals(0.0455, beyond2, 0.004);   // P(|Z| > 2)
            }
        }

        @Test
        void truncatedNormalStaysInsideItsOpenInterval() {
            NDArray x = Random.truncatedNormal(key, -0.3, 0.3, N);
            assertTrue(x.min().item() > -0.3 && x.max().item() < 0.3);
            assertEquals(0, x.mean().item(), 0.005);
            NDArray half = Random.truncatedNormal(key, 0, Double.POSITIVE_INFINITY, DType.F64, N / 5);
            assertEquals(Math.sqrt(2 / Math.PI), half.mean().item(), 0.015);   // mean of the half-normal
        }

        @Test
        void bernoulliIsTrueWithProbabilityP() {
            assertEquals(0.3, Random.bernoulli(key, 0.3, N).astype(DType.F32).mean().item(), 0.005);
            NDArray p = NDArray.of(0.1f, 0.9f);
            NDArray draws = Random.bernoulli(key, p, N / 2, 2).astype(DType.F32).mean(0);
            assertFloats(new double[] {0.1, 0.9}, draws, 0.01);
        }

        @Test
        void categoricalFollowsTheSoftmaxOfTheLogits() {
            NDArray p = NDArray.of(0.1f, 0.2f, 0.3f, 0.4f);
            NDArray draws = Random.categorical(key, Np.log(p).sub(42), -1, N);
            assertEquals(DType.I32, draws.dtype());
            for (int c = 0; c < 4; c++) assertEquals(0.1 * (c + 1), draws.eq(c).astype(DType.F32).mean().item(), 0.006);
        }

        @Test
        void categoricalDrawsOnePerBatchRowAlongAnyAxis() {
            NDArray logits = Np.log(NDArray.of(new float[][] {{0.5f, 0.1f}, {0.5f, 0.9f}}));   // columns are distributions
            NDArray draws = Random.categorical(key, logits, 0, N / 2, 2);
            assertArrayEquals(new int[] {N / 2, 2}, draws.shape());
            assertFloats(new double[] {0.5, 0.9}, draws.astype(DType.F32).mean(0), 0.01);
            assertArrayEquals(new int[] {2}, Random.categorical(key, logits).shape());
        }

        @Test
        void randintIsUniformOverItsRange() {
            NDArray r = Random.randint(key, new int[] {N}, -3, 4);
            assertEquals(DType.I32, r.dtype());
            assertEquals(-3, r.min().item());
            assertEquals(3, r.max().item());
            for (int v = -3; v < 4; v++) assertEquals(1 / 7.0, r.eq(v).astype(DType.F32).mean().item(), 0.005);
            assertArrayEquals(new int[] {5, 5}, Random.randint(key, new int[] {2}, 5, 5).toIntArray());
        }

        @Test
        void gumbelHasEulersConstantAsMean() {
            assertEquals(0.5772, Random.gumbel(key, N).mean().item(), 0.02);
        }
    }

    @Nested
    class Permutations {
        @Test
        void permutationOfNContainsEachIndexOnce() {
            for (int n : new int[] {0, 1, 10, 2000}) {   // 2000 > 1625 needs two sorting rounds
                int[] p = Random.permutation(Random.key(n), n).toIntArray();
                int[] sorted = p.clone();
                Arrays.sort(sorted);
                assertArrayEquals(NDArray.arange(n).toIntArray(), sorted);
                if (n >= 10) assertTrue(!Arrays.equals(sorted, p), "not shuffled");
            }
        }

        @Test
        void permutationOfAnArrayMovesWholeRowsInThePermutationsOrder() {
            NDArray key = Random.key(5);
            NDArray x = NDArray.arange(12).reshape(4, 3);
            NDArray shuffled = Random.permutation(key, x);
            int[] order = Random.permutation(key, 4).toIntArray();
            for (int i = 0; i < 4; i++) assertArrayEquals(x.get(order[i]).toIntArray(), shuffled.get(i).toIntArray());
            assertArrayEquals(Random.permutation(key, 4).toIntArray(), Random.permutation(key, NDArray.arange(4)).toIntArray());
        }

        @Test
        void permutationsOfDifferentKeysDiffer() {
            assertTrue(!Arrays.equals(Random.permutation(Random.key(1), 50).toIntArray(), Random.permutation(Random.key(2), 50).toIntArray()));
        }
    }

    @Nested
    class Transformations {
        @Test
        void jitOfASamplerEqualsEagerForAnyKey() {
            var sample = Nabla.jit((NDArray k) -> Np.concatenate(Random.normal(k, 3), Random.uniform(Random.split(k).get(1), 2)));
            qt().withExamples(TRIES).forAll(longs().all()).checkAssert(seed -> {
                NDArray k = Random.key(seed);
                NDArray eager = Np.concatenate(Random.normal(k, 3), Random.uniform(Random.split(k).get(1), 2));
                assertArrayEquals(eager.toFloatArray(), sample.apply(k).toFloatArray());
            });
        }

        @Test
        void vmapOverKeysEqualsALoopOverKeys() {
            NDArray keys = Random.split(Random.key(11), 4);
            NDArray batched = Nabla.vmap((NDArray k) -> Random.normal(k, 3)).apply(keys);
            List<NDArray> loop = new ArrayList<>();
            for (NDArray k : Random.unstack(keys)) loop.add(Random.normal(k, 3));
            assertArrayEquals(Np.stack(loop, 0).toFloatArray(), batched.toFloatArray());
        }

        @Test
        void aDropoutMaskIsAConstantUnderGrad() {
            NDArray mask = Random.bernoulli(Random.key(3), 0.5, 6).astype(DType.F32);
            NDArray g = Nabla.grad((NDArray x) -> x.mul(Random.bernoulli(Random.key(3), 0.5, 6).astype(DType.F32)).sum())
                    .apply(NDArray.ones(DType.F32, 6));
            assertArrayEquals(mask.toFloatArray(), g.toFloatArray());
        }
    }

    @Nested
    class ErrorFunctions {
        @Test
        void erfMatchesReferenceValuesToAFewUlps() {
            assertEquals(0.5204998778130465, ErrorFunction.erf(0.5), 4 * Math.ulp(0.52));
            assertEquals(0.8427007929497149, ErrorFunction.erf(1), 4 * Math.ulp(0.84));
            assertEquals(-0.9953222650189527, ErrorFunction.erf(-2), 4 * Math.ulp(0.99));
            assertEquals(0.9999779095030014, ErrorFunction.erf(3), 4 * Math.ulp(0.99));
            assertEquals(1.0, ErrorFunction.erf(Double.POSITIVE_INFINITY));
        }

        @Test
        void erfInvInvertsErfInBothPrecisions() {
            double[] xs = {-4, -2.5, -1, -0.3, 0, 0.01, 0.7, 1.9, 3.2, 4.5, 5.5};
            double[] u = Arrays.stream(xs).map(ErrorFunction::erf).toArray();
            NDArray x64 = ErrorFunction.erfInv(NDArray.of(u));
            for (int i = 0; i < xs.length; i++) {
                // erf is flat in the tails: a rounding of u near ±1 moves x by about ulp(1) / erf'(x).
                double tolerance = 1e-14 + 1e-15 / (2 / Math.sqrt(Math.PI) * Math.exp(-xs[i] * xs[i]));
                assertEquals(xs[i], x64.toDoubleArray()[i], tolerance, "f64 at " + xs[i]);
            }
            // f32 in the centre, where an f32 rounding of u moves x by less than 1e-5
            NDArray x32 = ErrorFunction.erfInv(NDArray.of(Arrays.copyOfRange(u, 2, 8)).astype(DType.F32));
            assertFloats(Arrays.copyOfRange(xs, 2, 8), x32, 1e-5);
            assertArrayEquals(new double[] {Float.MAX_VALUE, -Float.MAX_VALUE}, ErrorFunction.erfInv(NDArray.of(1f, -1f)).toDoubleArray());
        }
    }
}
