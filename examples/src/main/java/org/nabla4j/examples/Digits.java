package org.nabla4j.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.nabla4j.Csv;
import org.nabla4j.DType;
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
            Csv.Table t = Csv.read(raw, false, ',');
            return new Digits(t.columns(0, FEATURES, DType.F32).div(16), t.column(FEATURES, DType.I32));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
