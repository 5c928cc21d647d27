package dev.peregrine.engines;

import java.util.Locale;

/** The Ultralytics task a model was trained for; decides which output decoder applies. */
public enum Task {
    DETECT("detect"), SEGMENT("segment"), POSE("pose"), OBB("obb"), CLASSIFY("classify");

    private final String ultralyticsName;

    Task(String ultralyticsName) {
        this.ultralyticsName = ultralyticsName;
    }

    /** The name Ultralytics writes in the ONNX {@code task} metadata key. */
    public String ultralyticsName() {
        return ultralyticsName;
    }

    /** Parses an Ultralytics task name ({@code detect}, {@code segment}, ...). */
    public static Task fromUltralytics(String name) throws PeregrineException {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (Task t : values()) {
            if (t.ultralyticsName.equals(n)) {
                return t;
            }
        }
        throw PeregrineException.unsupported("unknown task '" + name + "' (expected detect, segment, pose, obb or classify)");
    }
}
