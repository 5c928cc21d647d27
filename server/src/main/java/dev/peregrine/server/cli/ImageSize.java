package dev.peregrine.server.cli;

import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import java.nio.file.Path;

/**
 * A model input size as the {@code --imgsz} option of {@code predict}, {@code val} and {@code bench} gives it, with
 * Ultralytics' meaning: {@code 640} (square) or {@code 480,640} (height, width; {@code 480x640} works too).
 *
 * @param height input height in pixels, positive
 * @param width  input width in pixels, positive
 */
public record ImageSize(int height, int width) {

    /**
     * Parses {@code SIZE} or {@code H,W}.
     *
     * @throws PeregrineException BAD_INPUT for any other text or a size below 1
     */
    public static ImageSize parse(String text) throws PeregrineException {
        String[] parts = text.trim().split("\\s*[,x]\\s*");
        ImageSize size;
        try {
            if (parts.length == 1) {
                int s = Integer.parseInt(parts[0]);
                size = new ImageSize(s, s);
            } else if (parts.length == 2) {
                size = new ImageSize(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
            } else {
                size = null;
            }
        } catch (NumberFormatException e) {
            size = null;
        }
        if (size == null) {
            throw PeregrineException.badInput("--imgsz must be SIZE or H,W, got '" + text + "'");
        }
        if (size.height < 1 || size.width < 1) {
            throw PeregrineException.badInput("--imgsz must be positive, got '" + text + "'");
        }
        return size;
    }

    /**
     * Fails unless {@code --imgsz text}, when given (not null), is the input size of {@code model}: the ONNX model a
     * command runs must have been exported at the asked size.
     */
    static void requireModelSize(String text, ModelInfo info, Path model) throws PeregrineException {
        if (text == null) {
            return;
        }
        ImageSize size = parse(text);
        if (size.height != info.inputHeight() || size.width != info.inputWidth()) {
            throw PeregrineException.badInput("--imgsz " + text + " does not match the model's input size "
                    + info.inputHeight() + "x" + info.inputWidth() + " (h x w) of " + model.getFileName()
                    + (info.metadata().isEmpty() ? "" : "; export the model at the size you want or omit --imgsz"));
        }
    }

    /** {@code [height, width]}. */
    public int[] toArray() {
        return new int[] {height, width};
    }
}
