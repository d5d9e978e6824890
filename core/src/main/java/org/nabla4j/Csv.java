package org.nabla4j;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Shape;
import org.nabla4j.ir.Tensor;

/**
 * Reads numeric CSV files (plain or gzip-compressed, detected by content) into arrays, in the
 * spirit of {@code np.loadtxt(path, delimiter=",", skiprows=1)}.
 *
 * <pre>{@code
 * Csv.Table t = Csv.read(Path.of("wine_data.csv"), true);   // first line is a header
 * NDArray x = t.columns(0, 13, DType.F64);                 // (178, 13)
 * NDArray y = t.column(13, DType.I32);                     // (178,)
 * NDArray all = Csv.load(Path.of("digits.csv.gz"), DType.F32, false);
 * }</pre>
 *
 * Cells are separated by a delimiter (a comma unless given) and trimmed; blank lines are skipped.
 * Quoted cells are not supported. Each cell is converted with the parser of the requested dtype
 * ({@code Float.parseFloat} for f32, so values are rounded once), and {@code nan}, {@code inf} and
 * {@code -inf} are read in any case, as NumPy writes them.
 */
public final class Csv {
    private Csv() {}

    /**
     * A parsed table: the header's cells (empty without a header) and the rows' cells, which are
     * converted to a dtype when an array is asked for. All rows have the same number of cells.
     */
    public record Table(List<String> header, List<String[]> rows) {
        public Table {
            header = List.copyOf(header);
            rows = Collections.unmodifiableList(new ArrayList<>(rows));
        }

        public int rowCount() { return rows.size(); }

        public int columnCount() { return rows.isEmpty() ? 0 : rows.getFirst().length; }

        /** All cells as a {@code (rows, columns)} array. */
        public NDArray toArray(DType dtype) { return columns(0, columnCount(), dtype); }

        /** Columns {@code from .. to-1} as a {@code (rows, to - from)} array. */
        public NDArray columns(int from, int to, DType dtype) {
            if (from < 0 || to > columnCount() || from > to) {
                throw new ShapeError("Csv.columns: range [" + from + ", " + to + ") is outside the table's " + columnCount() + " columns");
            }
            int width = to - from;
            Object data = Tensor.allocate(dtype, rows.size() * width);
            for (int i = 0; i < rows.size(); i++) {
                for (int j = 0; j < width; j++) set(data, i * width + j, dtype, rows.get(i)[from + j], i, from + j);
            }
            return NDArray.concrete(Tensor.wrap(new AbstractArray(dtype, Shape.of(rows.size(), width)), data));
        }

        /** Column {@code j} as a {@code (rows,)} array. */
        public NDArray column(int j, DType dtype) { return columns(j, j + 1, dtype).reshape(-1); }

        /** The column the header names {@code name}. */
        public NDArray column(String name, DType dtype) {
            int j = header.indexOf(name);
            if (j < 0) throw new NablaException("Csv.column: no column named '" + name + "'; the header is " + header);
            return column(j, dtype);
        }

        private void set(Object data, int index, DType dtype, String cell, int row, int col) {
            try {
                switch (dtype) {
                    case F32 -> ((float[]) data)[index] = (float) parseFloating(cell, true);
                    case F64 -> ((double[]) data)[index] = parseFloating(cell, false);
                    case I32 -> ((int[]) data)[index] = Integer.parseInt(cell);
                    case I64 -> ((long[]) data)[index] = Long.parseLong(cell);
                    case BOOL -> ((boolean[]) data)[index] = parseBool(cell);
                }
            } catch (NumberFormatException e) {
                // Data rows are numbered from 1 after the header, as a spreadsheet would show them.
                throw new DTypeError("Csv: cell '" + cell + "' in data row " + (row + 1) + ", column " + col + " is not a valid " + dtype.numpyName());
            }
        }
    }

    /** Reads a CSV file with comma-separated cells; with {@code header} the first line holds column names. */
    public static Table read(Path path, boolean header) { return read(path, header, ','); }

    public static Table read(Path path, boolean header, char delimiter) {
        try (InputStream in = Files.newInputStream(path)) {
            return read(in, header, delimiter);
        } catch (IOException e) {
            throw new UncheckedIOException("Csv: cannot read " + path, e);
        }
    }

    /** Reads CSV from a stream (e.g. a class-path resource); gzip is recognised by its magic bytes. The stream is not closed. */
    public static Table read(InputStream in, boolean header, char delimiter) {
        try {
            BufferedReader reader = new BufferedReader(new InputStreamReader(decompressed(in), StandardCharsets.UTF_8));
            List<String> names = List.of();
            List<String[]> rows = new ArrayList<>();
            String split = java.util.regex.Pattern.quote(String.valueOf(delimiter));
            int lineNumber = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                if (line.isBlank()) continue;
                String[] cells = Arrays.stream(line.split(split, -1)).map(String::strip).toArray(String[]::new);
                if (header && lineNumber == 1) {
                    names = Arrays.asList(cells);
                    continue;
                }
                if (!rows.isEmpty() && cells.length != rows.getFirst().length) {
                    throw new ShapeError("Csv: line " + lineNumber + " has " + cells.length + " cells, the first data line has " + rows.getFirst().length);
                }
                rows.add(cells);
            }
            return new Table(names, rows);
        } catch (IOException e) {
            throw new UncheckedIOException("Csv: cannot read the stream", e);
        }
    }

    /** {@code read(path, header).toArray(dtype)}: the whole table as one array. */
    public static NDArray load(Path path, DType dtype, boolean header) { return read(path, header).toArray(dtype); }

    private static InputStream decompressed(InputStream in) throws IOException {
        BufferedInputStream b = new BufferedInputStream(in);
        b.mark(2);
        int first = b.read(), second = b.read();
        b.reset();
        return first == 0x1f && second == 0x8b ? new GZIPInputStream(b) : b;
    }

    private static double parseFloating(String cell, boolean f32) {
        return switch (cell.toLowerCase(Locale.ROOT)) {
            case "nan" -> Double.NaN;
            case "inf", "+inf", "infinity" -> Double.POSITIVE_INFINITY;
            case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
            default -> f32 ? Float.parseFloat(cell) : Double.parseDouble(cell);
        };
    }

    private static boolean parseBool(String cell) {
        return switch (cell.toLowerCase(Locale.ROOT)) {
            case "1", "true" -> true;
            case "0", "false" -> false;
            default -> throw new NumberFormatException(cell);
        };
    }
}
