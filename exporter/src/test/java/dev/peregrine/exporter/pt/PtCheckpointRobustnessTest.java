package dev.peregrine.exporter.pt;

import static dev.peregrine.exporter.pt.PtCases.assertReadFails;
import static dev.peregrine.exporter.pt.PtCases.pickle;
import static dev.peregrine.exporter.pt.PtCases.resource;
import static dev.peregrine.exporter.pt.PtCases.write;
import static dev.peregrine.exporter.pt.PtCases.zipWithPickle;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken, hostile-sized and foreign files fail with an error that says what the file is and what is expected. */
class PtCheckpointRobustnessTest {
    @TempDir
    Path tmp;

    @Test
    void truncatedArchive() throws Exception {
        assertReadFails(resource("truncated.pt"), ErrorCode.BAD_INPUT)
                .hasMessageContaining("is a truncated or corrupt zip archive");
        byte[] real = Files.readAllBytes(Fixtures.file("tiny/yolov8n.pt"));
        Path cut = write(tmp.resolve("cut.pt"), Arrays.copyOf(real, real.length * 3 / 5));
        assertReadFails(cut, ErrorCode.BAD_INPUT).hasMessageContaining("is a truncated or corrupt zip archive");
    }

    @Test
    void zipBombs() {
        assertReadFails(resource("bomb-ratio.pt"), ErrorCode.TOO_LARGE)
                .hasMessageContaining("record 'bomb/data.pkl' inflates").hasMessageContaining("likely zip bomb");
        assertReadFails(resource("bomb-lying-size.pt"), ErrorCode.TOO_LARGE)
                .hasMessageContaining("inflates beyond its declared 100 bytes");
    }

    @Test
    void limitsOnPickleAndTotalSize() {
        Path f = Fixtures.file("tiny/yolov8n.pt");
        assertReadFails(f, new PtLimits(10_000, 1L << 30, 1L << 30, 200, 400, 1000), ErrorCode.TOO_LARGE)
                .hasMessageContaining("record 'yolov8n/data.pkl' is 83968 bytes, over the limit of 10000");
        assertReadFails(f, new PtLimits(1 << 20, 1L << 30, 200_000, 200, 400, 1000), ErrorCode.TOO_LARGE)
                .hasMessageContaining("inflates to more than 200000 bytes in total");
    }

    @Test
    void missingRecords() {
        assertReadFails(resource("missing-data-pkl.pt"), ErrorCode.BAD_INPUT)
                .hasMessageContaining("zip archive without a <name>/data.pkl record")
                .hasMessageContaining("tiny/data/0");
        assertReadFails(resource("missing-storage.pt"), ErrorCode.BAD_INPUT)
                .hasMessageContaining("missing tensor storage record 'tiny/data/2'");
    }

    @Test
    void inconsistentStorages() {
        assertReadFails(resource("storage-too-short.pt"), ErrorCode.BAD_INPUT)
                .hasMessageContaining("record 'tiny/data/0' holds 78 bytes but the pickle declares 80");
        assertReadFails(resource("bad-view.pt"), ErrorCode.BAD_INPUT)
                .hasMessageContaining("invalid tensor")
                .hasMessageContaining("reaches element 40 of storage '0', which holds 40 FLOAT16 elements");
    }

    @Test
    void foreignFormats() throws Exception {
        assertReadFails(resource("legacy.pt"), ErrorCode.UNSUPPORTED)
                .hasMessageContaining("legacy (non-zip) torch.save format; re-save with torch>=1.6");
        assertReadFails(resource("bare-pickle.pt"), ErrorCode.UNSUPPORTED).hasMessageContaining("bare pickle stream");
        assertReadFails(resource("torchscript.pt"), ErrorCode.UNSUPPORTED).hasMessageContaining("TorchScript archive");
        assertReadFails(write(tmp.resolve("empty.pt"), new byte[0]), ErrorCode.BAD_INPUT)
                .hasMessageContaining("is empty");
        assertReadFails(write(tmp.resolve("lfs.pt"), "version https://git-lfs.github.com/spec/v1\noid sha256:00\n"
                .getBytes()), ErrorCode.BAD_INPUT).hasMessageContaining("Git LFS pointer");
        assertReadFails(write(tmp.resolve("jpeg.pt"), new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 0x00}),
                ErrorCode.BAD_INPUT).hasMessageContaining("expected a zip archive").hasMessageContaining("ff d8 ff 00");
        assertReadFails(tmp.resolve("absent.pt"), ErrorCode.NOT_FOUND).hasMessageContaining("does not exist");
        Files.createDirectory(tmp.resolve("dir.pt"));
        assertReadFails(tmp.resolve("dir.pt"), ErrorCode.BAD_INPUT).hasMessageContaining("not a regular file");
    }

    @Test
    void picklesThatAreNotUltralyticsCheckpoints() {
        assertReadFails(resource("state-dict.pt"), ErrorCode.UNSUPPORTED)
                .hasMessageContaining("is a state_dict, not an Ultralytics checkpoint")
                .hasMessageContaining("save the model with YOLO(...).save()");
        assertReadFails(resource("not-ultralytics.pt"), ErrorCode.BAD_INPUT)
                .hasMessageContaining("not an Ultralytics checkpoint")
                .hasMessageContaining("[epoch, weights] but neither 'model' nor 'ema'");
        assertReadFails(zipWithPickle(tmp.resolve("none.pt"), pickle("}(X\u0005\u0000\u0000\u0000modelNu.")),
                ErrorCode.BAD_INPUT).hasMessageContaining("'model' is None");
        assertReadFails(zipWithPickle(tmp.resolve("list.pt"), pickle("].")), ErrorCode.BAD_INPUT)
                .hasMessageContaining("holds a list of 0 instead of a dict");
    }

    @Test
    void hostileObjectGraphs() {
        assertReadFails(resource("module-cycle.pt"), ErrorCode.BAD_INPUT)
                .hasMessageContaining("has a module that contains itself (at 0)");
        assertReadFails(resource("module-dag-bomb.pt"), ErrorCode.TOO_LARGE)
                .hasMessageContaining("more than 100000 module nodes");
        String deep = "]".repeat(1000) + "a".repeat(999);
        assertReadFails(zipWithPickle(tmp.resolve("deep.pt"), pickle("}(X\u0001\u0000\u0000\u0000x" + deep + "u.")),
                ErrorCode.TOO_LARGE).hasMessageContaining("nests objects deeper than 400 levels");
        assertReadFails(zipWithPickle(tmp.resolve("key.pt"), pickle("}]]s.")), ErrorCode.BAD_INPUT)
                .hasMessageContaining("unhashable dict key");
    }

    @Test
    void malformedPickles() {
        assertReadFails(zipWithPickle(tmp.resolve("len.pt"), pickle("X\u00ff\u00ff\u00ff\u007f.")),
                ErrorCode.BAD_INPUT).hasMessageContaining("declares 2147483647 bytes but 1 are left");
        assertReadFails(zipWithPickle(tmp.resolve("len8.pt"), pickle("\u008e\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff.")),
                ErrorCode.BAD_INPUT).hasMessageContaining("declares -1 bytes");
        assertReadFails(zipWithPickle(tmp.resolve("memo.pt"), pickle("h\u0005.")), ErrorCode.BAD_INPUT)
                .hasMessageContaining("data.pkl is not a valid pickle");
        assertReadFails(zipWithPickle(tmp.resolve("stack.pt"), pickle(".")), ErrorCode.BAD_INPUT)
                .hasMessageContaining("data.pkl is not a valid pickle");
        assertReadFails(zipWithPickle(tmp.resolve("eof.pt"), pickle("}")), ErrorCode.BAD_INPUT)
                .hasMessageContaining("data.pkl is not a valid pickle");
        assertReadFails(zipWithPickle(tmp.resolve("opcode.pt"), pickle("\u00ff")), ErrorCode.BAD_INPUT)
                .hasMessageContaining("invalid pickle opcode");
        assertReadFails(zipWithPickle(tmp.resolve("long.pt"), pickle("L" + "9".repeat(100000) + "L\n.")),
                ErrorCode.BAD_INPUT).hasMessageContaining("LONG literal longer than 64 digits");
    }
}
