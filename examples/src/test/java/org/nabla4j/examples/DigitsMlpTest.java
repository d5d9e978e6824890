package org.nabla4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DigitsMlpTest {
    @Test
    void theReadmeSettingsReachTheAdvertisedTestAccuracyAndThePlotIsWritten(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        DigitsMlp.Result r = DigitsMlp.train(Digits.load(), DigitsMlp.Settings.defaults(), new PrintStream(log, true, StandardCharsets.UTF_8));
        assertTrue(r.testAccuracy() >= 0.95, "test accuracy " + r.testAccuracy());
        assertEquals(DigitsMlp.Settings.defaults().epochs(), r.history().size());
        assertTrue(r.history().getLast().loss() < r.history().getFirst().loss() / 5, "the loss falls");
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("epoch 20/20 [==============================] 22/22"), log.toString(StandardCharsets.UTF_8));

        Path png = TrainingPlot.write(dir.resolve("plot.png"), "test", r.history());
        var image = ImageIO.read(png.toFile());
        assertEquals(900, image.getWidth());
        assertEquals(640, image.getHeight());
        assertTrue(Files.size(png) > 10_000, "a plot, not an empty image");
    }

    @Test
    void theProgressBarShowsTheFractionDone() {
        ProgressBar bar = new ProgressBar(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "epoch 1/3", 4);
        assertEquals("epoch 1/3 [" + "=".repeat(14) + ">" + " ".repeat(15) + "] 2/4  loss 0.5", bar.line(2, "loss 0.5"));
        assertEquals("epoch 1/3 [" + "=".repeat(30) + "] 4/4  done", bar.line(4, "done"));
    }
}
