package org.nabla4j.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.nabla4j.NDArray;

/**
 * The UCI handwritten digits (1797 images of 8x8 pixels, values 0..16, labels 0..9), shipped as a
 * resource of this module (see data/digits.rst for its origin and licence).
 */
record Digits(NDArray pixels, NDArray labels) {
    static final int FEATURES = 64;

    /** Pixels as f32 in [0, 1], shape (n, 64); labels as i32, shape (n,). */
    static Digits load() {
        try (InputStream raw = Digits.class.getResourceAsStream("/data/digits.csv.gz")) {
            if (raw == null) throw new IllegalStateException("resource /data/digits.csv.gz is missing");
            BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.US_ASCII));
            List<float[]> rows = new ArrayList<>();
            List<Integer> labels = new ArrayList<>();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isBlank()) continue;
                String[] cells = line.split(",");
                float[] row = new float[FEATURES];
                for (int j = 0; j < FEATURES; j++) row[j] = Float.parseFloat(cells[j]) / 16f;
                rows.add(row);
                labels.add(Integer.parseInt(cells[FEATURES].trim()));
            }
            float[] flat = new float[rows.size() * FEATURES];
            for (int i = 0; i < rows.size(); i++) System.arraycopy(rows.get(i), 0, flat, i * FEATURES, FEATURES);
            return new Digits(NDArray.of(flat, rows.size(), FEATURES), NDArray.of(labels.stream().mapToInt(Integer::intValue).toArray()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
