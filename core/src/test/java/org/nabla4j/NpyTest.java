package org.nabla4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Npy} reads the golden files NumPy 2.4 wrote (test resources {@code npy/}, made by
 * {@code npy/golden.py}) exactly, and NumPy reads what it writes exactly.
 */
class NpyTest {
    static Path golden(String name) {
        try {
            return Path.of(NpyTest.class.getResource("/npy/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static void assertArray(DType dtype, int[] shape, NDArray a) {
        assertEquals(dtype, a.dtype());
        assertArrayEquals(shape, a.shape());
    }

    /** The golden f32 values: ((i - 2.5) / 3) in f32 arithmetic. */
    static float[] f32Values() {
        float[] v = new float[6];
        for (int i = 0; i < 6; i++) v[i] = (i - 2.5f) / 3f;
        return v;
    }

    @Test
    void readsF32InCOrder() {
        NDArray a = Npy.read(golden("f32_2x3.npy"));
        assertArray(DType.F32, new int[] {2, 3}, a);
        assertArrayEquals(f32Values(), a.toFloatArray());
    }

    @Test
    void readsF64SpecialValuesBitForBit() {
        double[] expected = {0.1, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, Double.MIN_VALUE, Double.MAX_VALUE, Math.PI};
        double[] got = Npy.read(golden("f64_special.npy")).toDoubleArray();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(got[i]), "element " + i + ": " + got[i]);
        }
    }

    @Test
    void readsAnI32ScalarAndAnI64Cube() {
        NDArray s = Npy.read(golden("i32_scalar.npy"));
        assertArray(DType.I32, new int[0], s);
        assertEquals(-7, s.item());
        NDArray cube = Npy.read(golden("i64_3d.npy"));
        assertArray(DType.I64, new int[] {2, 3, 4}, cube);
        long[] expected = new long[24];
        for (int i = 0; i < 24; i++) expected[i] = i * 1_000_000_007L - (1L << 40);
        assertArrayEquals(expected, cube.toLongArray());
    }

    @Test
    void readsBoolsAndEmptyArrays() {
        NDArray b = Npy.read(golden("bool_2x2.npy"));
        assertArray(DType.BOOL, new int[] {2, 2}, b);
        assertArrayEquals(new boolean[] {true, false, false, true}, b.toBooleanArray());
        assertArray(DType.F32, new int[] {0, 3}, Npy.read(golden("f32_empty.npy")));
    }

    @Test
    void readsFortranOrderBigEndianAndSmallUnsignedIntegers() {
        NDArray f = Npy.read(golden("f64_fortran.npy"));
        assertArray(DType.F64, new int[] {2, 3}, f);
        assertArrayEquals(new double[] {0, 1.5, 3, 4.5, 6, 7.5}, f.toDoubleArray());
        assertArrayEquals(new int[] {-2, -1, 0, 1, 2}, Npy.read(golden("i4_bigendian.npy")).toIntArray());
        assertArrayEquals(new int[] {0, 200, 255}, Npy.read(golden("u1.npy")).toIntArray());
        NDArray u4 = Npy.read(golden("u4.npy"));
        assertEquals(DType.I64, u4.dtype());
        assertArrayEquals(new long[] {0, 4294967295L, 123}, u4.toLongArray());
    }

    @Test
    void readsStoredAndDeflatedArchivesInOrder() {
        for (String name : List.of("archive.npz", "archive_compressed.npz")) {
            Map<String, NDArray> z = Npy.readNpz(golden(name));
            assertEquals(List.of("w", "labels", "flag"), List.copyOf(z.keySet()));
            assertArrayEquals(f32Values(), z.get("w").toFloatArray());
            assertArrayEquals(new int[] {1, 2, 3}, z.get("labels").toIntArray());
            assertArray(DType.BOOL, new int[0], z.get("flag"));
        }
    }

    @Test
    void writingThenReadingGivesTheSameArray() {
        NDArray a = NDArray.arange(12).astype(DType.I64).mul(-3).reshape(3, 1, 4);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, a);
        assertEquals(128 + 12 * 8, out.size(), "a 128-byte header, then the data");
        NDArray back = Npy.read(new ByteArrayInputStream(out.toByteArray()));
        assertArray(DType.I64, new int[] {3, 1, 4}, back);
        assertArrayEquals(a.toLongArray(), back.toLongArray());
    }

    @Test
    void theHeaderIsNumpysDictPaddedTo64Bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, NDArray.of(1f, 2f, 3f));
        String header = new String(out.toByteArray(), 10, 118, StandardCharsets.ISO_8859_1);
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"), header);
        assertTrue(header.endsWith(" \n"), header);
        assertEquals(128 + 12, out.size());
    }

    @Test
    void unsupportedDtypesAreNamed() {
        String dict = "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }";
        String header = dict + " ".repeat(117 - dict.length()) + "\n";
        byte[] bytes = ("\u0093NUMPY\u0001\u0000" + (char) header.length() + "\u0000" + header).getBytes(StandardCharsets.ISO_8859_1);
        DTypeError e = assertThrows(DTypeError.class, () -> Npy.read(new ByteArrayInputStream(bytes)));
        assertTrue(e.getMessage().contains("<c16"), e.getMessage());
    }

    @Test
    void numpyReadsWhatWeWriteExactly(@TempDir Path dir) throws IOException, InterruptedException {
        Assumptions.assumeTrue(pythonWithNumpy(), "python3 with NumPy is not available: skipping the check that NumPy reads our files");
        for (String name : List.of("f32_2x3", "f64_special", "i32_scalar", "i64_3d", "bool_2x2", "f32_empty")) {
            Npy.write(dir.resolve(name + ".npy"), Npy.read(golden(name + ".npy")));
        }
        Map<String, NDArray> archive = new LinkedHashMap<>(Npy.readNpz(golden("archive.npz")));
        Npy.writeNpz(dir.resolve("archive.npz"), archive);
        Npy.writeNpzCompressed(dir.resolve("archive_compressed.npz"), archive);
        Process p = new ProcessBuilder("python3", golden("golden.py").toString(), "check", dir.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python3 timed out");
        assertEquals(0, p.exitValue(), output);
        assertEquals("OK", output.strip());
    }

    static boolean pythonWithNumpy() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    void ourArchivesReadBack(@TempDir Path dir) {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        arrays.put("x", NDArray.of(1.5, 2.5));
        arrays.put("mask", NDArray.of(true, false));
        Npy.writeNpzCompressed(dir.resolve("a.npz"), arrays);
        Map<String, NDArray> back = Npy.readNpz(dir.resolve("a.npz"));
        assertArrayEquals(new double[] {1.5, 2.5}, back.get("x").toDoubleArray());
        assertArrayEquals(new boolean[] {true, false}, back.get("mask").toBooleanArray());
        assertTrue(Files.exists(dir.resolve("a.npz")));
    }
}
