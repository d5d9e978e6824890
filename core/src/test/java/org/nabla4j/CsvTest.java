package org.nabla4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Csv}: plain and gzip files, headers, columns as each dtype, and the errors a file can cause. */
class CsvTest {
    static final String TABLE = """
            a, b, label
            1.5, -2, 0

            0.1, 3e2, 1
            nan, -inf, 2
            """;

    static Path write(Path dir, String name, String text, boolean gzip) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(p)) : Files.newOutputStream(p)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return p;
    }

    @Test
    void readsAHeaderAndTheRowsSkippingBlankLines(@TempDir Path dir) throws IOException {
        Csv.Table t = Csv.read(write(dir, "t.csv", TABLE, false), true);
        assertEquals(List.of("a", "b", "label"), t.header());
        assertEquals(3, t.rowCount());
        assertEquals(3, t.columnCount());
    }

    @Test
    void convertsColumnsWithTheParserOfEachDtype(@TempDir Path dir) throws IOException {
        Csv.Table t = Csv.read(write(dir, "t.csv", TABLE, false), true);
        NDArray x = t.columns(0, 2, DType.F32);
        assertArrayEquals(new int[] {3, 2}, x.shape());
        assertArrayEquals(new float[] {1.5f, -2f, 0.1f, 300f, Float.NaN, Float.NEGATIVE_INFINITY}, x.toFloatArray());
        assertArrayEquals(new double[] {1.5, 0.1, Double.NaN}, t.column("a", DType.F64).toDoubleArray());
        assertArrayEquals(new int[] {0, 1, 2}, t.column(2, DType.I32).toIntArray());
        assertArrayEquals(new long[] {0, 1, 2}, t.column("label", DType.I64).toLongArray());
        assertArrayEquals(new boolean[] {false, true}, Csv.read(write(dir, "b.csv", "0\ntrue\n", false), false).column(0, DType.BOOL).toBooleanArray());
    }

    @Test
    void readsGzipByItsContentNotItsName(@TempDir Path dir) throws IOException {
        NDArray plain = Csv.load(write(dir, "t.csv", "1,2\n3,4\n", false), DType.F64, false);
        NDArray gz = Csv.load(write(dir, "t.csv.gz", "1,2\n3,4\n", true), DType.F64, false);
        NDArray misnamed = Csv.load(write(dir, "t.txt", "1,2\n3,4\n", true), DType.F64, false);
        assertArrayEquals(plain.toDoubleArray(), gz.toDoubleArray());
        assertArrayEquals(plain.toDoubleArray(), misnamed.toDoubleArray());
        assertArrayEquals(new int[] {2, 2}, gz.shape());
    }

    @Test
    void otherDelimitersAndStreams(@TempDir Path dir) throws IOException {
        Csv.Table t = Csv.read(Files.newInputStream(write(dir, "t.tsv", "1\t2\n3\t4\n", false)), false, '\t');
        assertArrayEquals(new int[] {1, 2, 3, 4}, t.toArray(DType.I32).toIntArray());
    }

    @Test
    void aBadCellNamesItsRowColumnAndDtype(@TempDir Path dir) throws IOException {
        Csv.Table t = Csv.read(write(dir, "t.csv", TABLE, false), true);
        DTypeError e = assertThrows(DTypeError.class, () -> t.columns(0, 1, DType.I32));
        assertTrue(e.getMessage().contains("'1.5' in data row 1, column 0 is not a valid int32"), e.getMessage());
    }

    @Test
    void raggedRowsAreAShapeError(@TempDir Path dir) throws IOException {
        Path p = write(dir, "t.csv", "1,2\n3\n", false);
        ShapeError e = assertThrows(ShapeError.class, () -> Csv.read(p, false));
        assertTrue(e.getMessage().contains("line 2 has 1 cells"), e.getMessage());
    }
}
