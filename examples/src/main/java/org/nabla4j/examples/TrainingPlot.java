package org.nabla4j.examples;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Loss and accuracy curves of a training run as a PNG, drawn with JFreeChart (headless Java2D). */
final class TrainingPlot {
    private TrainingPlot() {}

    /** One point per epoch. */
    record Point(int epoch, double loss, double trainAccuracy, double testAccuracy) {}

    /** Writes a 900 x 640 PNG: the mean training loss above, train and test accuracy below, epochs along x. */
    static Path write(Path file, String title, List<Point> points) {
        System.setProperty("java.awt.headless", "true");
        XYSeries loss = new XYSeries("training loss (mean cross-entropy)");
        XYSeries train = new XYSeries("train accuracy"), test = new XYSeries("test accuracy");
        for (Point p : points) {
            loss.add(p.epoch(), p.loss());
            train.add(p.epoch(), p.trainAccuracy());
            test.add(p.epoch(), p.testAccuracy());
        }
        NumberAxis epochs = new NumberAxis("epoch");
        epochs.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(epochs);
        plot.add(subplot(new XYSeriesCollection(loss), "loss", false, new Color(0xC0392B)), 1);
        XYSeriesCollection accuracy = new XYSeriesCollection(train);
        accuracy.addSeries(test);
        plot.add(subplot(accuracy, "accuracy", true, new Color(0x2471A3), new Color(0x229954)), 1);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 640);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the plot to " + file, e);
        }
        return file.toAbsolutePath();
    }

    private static XYPlot subplot(XYSeriesCollection data, String yLabel, boolean unitRange, Color... colors) {
        NumberAxis y = new NumberAxis(yLabel);
        y.setAutoRangeIncludesZero(!unitRange);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < colors.length; i++) {
            renderer.setSeriesPaint(i, colors[i]);
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        XYPlot plot = new XYPlot(data, null, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return plot;
    }
}
