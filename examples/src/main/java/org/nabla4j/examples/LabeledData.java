package org.nabla4j.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.nabla4j.Csv;
import org.nabla4j.DType;
import org.nabla4j.NDArray;
import org.nabla4j.Np;

/**
 * A classification data set shipped as a resource in scikit-learn's CSV layout: a header
 * {@code n,d,class names...}, then rows of {@code d} features and an integer label.
 */
record LabeledData(NDArray x, NDArray y, List<String> classNames) {
    /** Features as {@code dtype}, shape (n, d); labels as i32, shape (n,). */
    static LabeledData load(String resource, DType dtype) {
        try (InputStream in = LabeledData.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("resource " + resource + " is missing");
            Csv.Table t = Csv.read(in, true, ',');
            int d = Integer.parseInt(t.header().get(1));
            return new LabeledData(t.columns(0, d, dtype), t.column(d, DType.I32), t.header().subList(2, t.header().size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static LabeledData wine() { return load("/data/wine_data.csv", DType.F64); }

    static LabeledData breastCancer() { return load("/data/breast_cancer.csv", DType.F64); }

    int size() { return y.shape()[0]; }

    int features() { return x.shape()[1]; }

    /** Each feature shifted and scaled to mean 0 and standard deviation 1. */
    LabeledData standardized() {
        return new LabeledData(x.sub(x.mean(0)).div(Np.std(x, 0)), y, classNames);
    }
}
