package dev.peregrine.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo page in a real browser: headless Chromium opens {@code /}, a JPEG is put into the file input, and the
 * page must draw the fake detector's boxes on its canvas. The screenshot is kept in
 * {@code server/target/demo-page.png} for a human look.
 */
@ExtendWith(VertxExtension.class)
class DemoPageBrowserTest {

    @Test
    void uploadsAnImageAndDrawsTheBoxes(Vertx vertx, @TempDir Path tmp) throws Exception {
        Chromium.executable(); // skip (or fail on CI) before starting anything when there is no browser
        Path image = tmp.resolve("shapes.jpg");
        Files.write(image, TestImages.greyJpeg(640, 480));
        try (TestServer server = TestServer.start(vertx); Chromium browser = Chromium.launch()) {
            browser.open("http://127.0.0.1:" + server.port + "/");
            assertThat(browser.waitFor("document.getElementById('model').options.length")).isEqualTo(1);
            assertThat(browser.eval("document.getElementById('model').value")).isEqualTo("shapes");

            browser.setFile("#file", image);
            Object state = browser.waitFor("['done', 'error'].includes(document.getElementById('result').dataset.state)"
                    + " && document.getElementById('result').dataset.state");
            assertThat(state).as("page state, error: %s", browser.eval(
                    "document.getElementById('result').dataset.error")).isEqualTo("done");

            // The fake finds two boxes per image at the default confidence of 0.25.
            assertThat(browser.eval("document.getElementById('result').dataset.detections")).isEqualTo("2");
            assertThat(browser.eval("document.getElementById('detections').children.length")).isEqualTo(2);
            assertThat(browser.eval("[canvas.width, canvas.height].join('x')")).isEqualTo("640x480");
            // The image is flat grey. The first box (class 0, drawn in the palette's first colour, #ff3b30) runs from
            // (64, 48) to (320, 240): its left edge must be painted red, and the inside of the box must stay grey.
            JsonArray edge = (JsonArray) browser.eval(
                    "Array.from(canvas.getContext('2d').getImageData(64, 150, 1, 1).data)");
            assertThat(edge.getInteger(0)).isGreaterThan(200);
            assertThat(edge.getInteger(1)).isLessThan(100);
            assertThat(edge.getInteger(2)).isLessThan(100);
            JsonArray inside = (JsonArray) browser.eval(
                    "Array.from(canvas.getContext('2d').getImageData(190, 150, 1, 1).data)");
            assertThat(inside.getInteger(0)).isBetween(110, 150);
            assertThat(inside.getInteger(1)).isBetween(110, 150);
            assertThat(browser.eval("document.getElementById('status').textContent")).asString()
                    .contains("2 object(s) found by shapes");

            Path shot = Path.of("target", "demo-page.png");
            Files.createDirectories(shot.getParent());
            Files.write(shot, browser.screenshot());
            assertThat(Files.size(shot)).isGreaterThan(1000);
            assertThat(server.detector.detected.get()).isEqualTo(1);
        }
    }
}
