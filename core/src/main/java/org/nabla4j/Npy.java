package org.nabla4j;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Shape;
import org.nabla4j.ir.Tensor;

/**
 * NumPy's {@code .npy} and {@code .npz} files, so arrays move between nabla4j and Python exactly.
 *
 * <pre>{@code
 * Npy.write(Path.of("w.npy"), w);                       // np.load("w.npy") in Python
 * NDArray x = Npy.read(Path.of("x.npy"));              // from np.save("x.npy", x)
 * Npy.writeNpz(Path.of("params.npz"), Map.of("w", w, "b", b));   // np.savez
 * Map<String, NDArray> p = Npy.readNpz(Path.of("params.npz"));
 * }</pre>
 *
 * <p>The format (NumPy's {@code numpy.lib.format}): the magic {@code \x93NUMPY}, a version byte pair,
 * a little-endian header length (2 bytes in version 1.0, 4 in 2.0 and 3.0), a header that is a Python
 * dict literal {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }} padded with spaces
 * and a newline so that the data starts at a multiple of 64 bytes, then the raw elements. An
 * {@code .npz} is a zip archive of {@code name.npy} entries, stored ({@code np.savez}) or deflated
 * ({@code np.savez_compressed}).
 *
 * <p>Written: version 1.0 (2.0 when the header needs it), C order, little-endian {@code <f4 <f8
 * <i4 <i8 |b1}. Read: versions 1.0 to 3.0, C or Fortran order, either byte order, those five dtypes
 * and, widened exactly, {@code i1 i2 u1 u2} (as i32) and {@code u4} (as i64).
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-zA-Z])(\\d+)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    // ---- .npy ----

    /** Reads an {@code .npy} file. */
    public static NDArray read(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Npy: cannot read " + path, e);
        }
    }

    /** Reads one array from a stream positioned at an {@code .npy} header; the stream is not closed. */
    public static NDArray read(InputStream stream) {
        try {
            DataInputStream in = new DataInputStream(new BufferedInputStream(stream));
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!java.util.Arrays.equals(magic, MAGIC)) throw new NablaException("Npy: not an .npy file (no \\x93NUMPY magic)");
            int major = in.readUnsignedByte();
            in.readUnsignedByte();
            byte[] lengthBytes = in.readNBytes(major == 1 ? 2 : 4);
            int headerLength = major == 1
                    ? ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xFFFF
                    : ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN).getInt();
            String header = new String(in.readNBytes(headerLength), major >= 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            return readData(in, header);
        } catch (IOException e) {
            throw new UncheckedIOException("Npy: cannot read the stream", e);
        }
    }

    /** Writes an array as an {@code .npy} file that {@code np.load} reads back exactly. */
    public static void write(Path path, NDArray array) {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path))) {
            write(out, array);
        } catch (IOException e) {
            throw new UncheckedIOException("Npy: cannot write " + path, e);
        }
    }

    /** Writes one array in {@code .npy} format to a stream; the stream is not closed. */
    public static void write(OutputStream out, NDArray array) {
        try {
            out.write(encode(array));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Npy: cannot write the stream", e);
        }
    }

    // ---- .npz ----

    /** The arrays of an {@code .npz} archive by name (without {@code .npy}), in archive order. */
    public static Map<String, NDArray> readNpz(Path path) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(path.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                if (entry.isDirectory()) continue;
                String name = entry.getName().endsWith(".npy") ? entry.getName().substring(0, entry.getName().length() - 4) : entry.getName();
                try (InputStream in = zip.getInputStream(entry)) {
                    out.put(name, read(in));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Npy: cannot read " + path, e);
        }
        return Collections.unmodifiableMap(out);
    }

    /** Writes arrays as an uncompressed {@code .npz}, like {@code np.savez(path, **arrays)}. */
    public static void writeNpz(Path path, Map<String, NDArray> arrays) { writeNpz(path, arrays, false); }

    /** Writes arrays as a deflated {@code .npz}, like {@code np.savez_compressed(path, **arrays)}. */
    public static void writeNpzCompressed(Path path, Map<String, NDArray> arrays) { writeNpz(path, arrays, true); }

    private static void writeNpz(Path path, Map<String, NDArray> arrays, boolean compressed) {
        try (ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(path)))) {
            for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
                byte[] bytes = encode(e.getValue());
                ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
                if (compressed) {
                    entry.setMethod(ZipEntry.DEFLATED);
                } else {
                    // A stored entry must announce its size and checksum before its data.
                    CRC32 crc = new CRC32();
                    crc.update(bytes);
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(bytes.length);
                    entry.setCompressedSize(bytes.length);
                    entry.setCrc(crc.getValue());
                }
                zip.putNextEntry(entry);
                zip.write(bytes);
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Npy: cannot write " + path, e);
        }
    }

    // ---- format ----

    private static byte[] encode(NDArray array) {
        DType t = array.dtype();
        String shape = shapeText(array.shape());
        String dict = "{'descr': '" + descr(t) + "', 'fortran_order': False, 'shape': " + shape + ", }";
        // Version 1.0 has a 2-byte header length; larger headers need 2.0 with 4 bytes.
        int major = dict.length() + 11 < 65536 ? 1 : 2;
        int prefix = MAGIC.length + 2 + (major == 1 ? 2 : 4);
        int total = prefix + dict.length() + 1;
        int padded = (total + 63) / 64 * 64;
        String header = dict + " ".repeat(padded - total) + "\n";

        ByteBuffer data = ByteBuffer.allocate(array.size() * t.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        switch (t) {
            case F32 -> data.asFloatBuffer().put(array.toFloatArray());
            case F64 -> data.asDoubleBuffer().put(array.toDoubleArray());
            case I32 -> data.asIntBuffer().put(array.toIntArray());
            case I64 -> data.asLongBuffer().put(array.toLongArray());
            case BOOL -> { for (boolean v : array.toBooleanArray()) data.put((byte) (v ? 1 : 0)); }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(padded + data.capacity());
        out.writeBytes(MAGIC);
        out.write(major);
        out.write(0);
        ByteBuffer length = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) length.putShort((short) header.length()); else length.putInt(header.length());
        out.writeBytes(length.array());
        out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(data.array());
        return out.toByteArray();
    }

    private static String descr(DType t) {
        return switch (t) {
            case F32 -> "<f4";
            case F64 -> "<f8";
            case I32 -> "<i4";
            case I64 -> "<i8";
            case BOOL -> "|b1";
        };
    }

    /** Python's tuple syntax: {@code ()}, {@code (3,)}, {@code (2, 3)}. */
    private static String shapeText(int[] shape) {
        if (shape.length == 1) return "(" + shape[0] + ",)";
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) sb.append(i > 0 ? ", " : "").append(shape[i]);
        return sb.append(')').toString();
    }

    private static NDArray readData(DataInputStream in, String header) throws IOException {
        Matcher d = DESCR.matcher(header), o = ORDER.matcher(header), s = SHAPE.matcher(header);
        if (!d.find() || !o.find() || !s.find()) throw new NablaException("Npy: cannot parse the header " + header.strip());
        ByteOrder order = d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        String kind = d.group(2);
        int width = Integer.parseInt(d.group(3));
        List<Integer> dims = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
            if (!part.isBlank()) dims.add(Integer.parseInt(part.strip()));
        }
        int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
        int n = Shape.of(shape).size();
        DType dtype = dtypeOf(kind, width, header);
        ByteBuffer raw = ByteBuffer.wrap(in.readNBytes(n * width)).order(order);
        if (raw.capacity() != n * width) throw new NablaException("Npy: the file ends before its " + n + " elements of " + width + " bytes");
        Object data = Tensor.allocate(dtype, n);
        switch (kind + width) {
            case "f4" -> raw.asFloatBuffer().get((float[]) data);
            case "f8" -> raw.asDoubleBuffer().get((double[]) data);
            case "i4" -> raw.asIntBuffer().get((int[]) data);
            case "i8" -> raw.asLongBuffer().get((long[]) data);
            case "i2" -> { for (int i = 0; i < n; i++) ((int[]) data)[i] = raw.getShort(); }
            case "i1" -> { for (int i = 0; i < n; i++) ((int[]) data)[i] = raw.get(); }
            case "u4" -> { for (int i = 0; i < n; i++) ((long[]) data)[i] = raw.getInt() & 0xFFFFFFFFL; }
            case "u2" -> { for (int i = 0; i < n; i++) ((int[]) data)[i] = raw.getShort() & 0xFFFF; }
            case "u1" -> { for (int i = 0; i < n; i++) ((int[]) data)[i] = raw.get() & 0xFF; }
            default -> { for (int i = 0; i < n; i++) ((boolean[]) data)[i] = raw.get() != 0; }
        }
        boolean fortran = o.group(1).equals("True");
        if (!fortran || shape.length < 2) return NDArray.concrete(Tensor.wrap(new AbstractArray(dtype, Shape.of(shape)), data));
        // Fortran order is C order of the reversed shape, transposed back.
        int[] reversed = new int[shape.length];
        for (int i = 0; i < shape.length; i++) reversed[i] = shape[shape.length - 1 - i];
        return NDArray.concrete(Tensor.wrap(new AbstractArray(dtype, Shape.of(reversed)), data)).transpose();
    }

    private static DType dtypeOf(String kind, int width, String header) {
        return switch (kind + width) {
            case "f4" -> DType.F32;
            case "f8" -> DType.F64;
            case "i4", "i2", "i1", "u2", "u1" -> DType.I32;
            case "i8", "u4" -> DType.I64;
            case "b1" -> DType.BOOL;
            default -> throw new DTypeError("Npy: unsupported dtype in " + header.strip()
                    + " (nabla4j reads f4 f8 i1 i2 i4 i8 u1 u2 u4 b1)");
        };
    }
}
