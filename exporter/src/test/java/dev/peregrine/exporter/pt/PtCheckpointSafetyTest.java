package dev.peregrine.exporter.pt;

import static dev.peregrine.exporter.pt.PtCases.assertReadFails;
import static dev.peregrine.exporter.pt.PtCases.pickle;
import static dev.peregrine.exporter.pt.PtCases.resource;
import static dev.peregrine.exporter.pt.PtCases.zipWithPickle;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.engines.ErrorCode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Malicious pickles are refused by name before anything is built, through every opcode that can name code. */
class PtCheckpointSafetyTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "evil-os-system.pt, os.system",
        "evil-posix-system.pt, posix.system",
        "evil-eval-stack-global.pt, builtins.eval",
        "evil-exec-inst.pt, builtins.exec",
        "evil-apply-obj.pt, __builtin__.apply",
        "evil-subprocess-newobj.pt, subprocess.Popen",
        "evil-nested.pt, posix.system",
        "evil-package-function.pt, ultralytics.nn.tasks.torch_safe_load"})
    void refusesDisallowedGlobalsByName(String file, String global) {
        assertReadFails(resource(file), ErrorCode.BAD_INPUT)
                .hasMessageContaining("references disallowed global '" + global + "'")
                .hasMessageContaining("may be malicious");
    }

    @Test
    void getattrIsOnlyAllowedForEnumMembers() {
        assertReadFails(resource("evil-getattr.pt"), ErrorCode.BAD_INPUT)
                .hasMessageContaining("builtins.getattr on the global torch.nn.modules.conv.Conv2d attribute the str 'forward'")
                .hasMessageContaining("only allowed to name a member of an allow-listed enum class");
    }

    @Test
    void refusesExtensionRegistryOpcodes() {
        assertReadFails(resource("evil-ext.pt"), ErrorCode.BAD_INPUT).hasMessageContaining("extension registry");
    }

    @Test
    void refusesCallingAllowedValuesThatAreNotConstructors() {
        // torch.HalfStorage(...) and torch.float16(...) are names, not constructors, for this reader.
        Path f = zipWithPickle(tmp.resolve("call-storage.pt"), pickle("ctorch\nHalfStorage\n)R."));
        assertReadFails(f, ErrorCode.BAD_INPUT).hasMessageContaining("calls torch.HalfStorage, which is only allowed as a value");
        Path g = zipWithPickle(tmp.resolve("call-string.pt"), pickle("X\u0001\u0000\u0000\u0000x)R."));
        assertReadFails(g, ErrorCode.BAD_INPUT).hasMessageContaining("not a callable global");
    }

    @Test
    void refusesCodecsEncodeExceptForLatin1Bytes() {
        Path f = zipWithPickle(tmp.resolve("codecs.pt"),
                pickle("c_codecs\nencode\nX\u0001\u0000\u0000\u0000xX\u0005\u0000\u0000\u0000utf-7\u0086R."));
        assertReadFails(f, ErrorCode.BAD_INPUT).hasMessageContaining("_codecs.encode");
    }

    @Test
    void refusesNumpyDtypesItDoesNotDecode() {
        assertReadFails(resource("numpy-complex.pt"), ErrorCode.BAD_INPUT)
                .hasMessageContaining("calls numpy.dtype with the str 'c16'; only simple scalar dtypes");
    }

    @Test
    void refusesPersistentIdsThatAreNotStorages() {
        Path f = zipWithPickle(tmp.resolve("pid.pt"), pickle("X\u0001\u0000\u0000\u0000xQ."));
        assertReadFails(f, ErrorCode.BAD_INPUT).hasMessageContaining("persistent id that is not a torch storage");
        Path g = zipWithPickle(tmp.resolve("pid-text.pt"), pickle("Pabc\n."));
        assertReadFails(g, ErrorCode.BAD_INPUT).hasMessageContaining("text persistent id");
    }

    @Test
    void buildNeverInvokesMethodsOnNonBagObjects() {
        // BUILD on a str: razorvine would look for a __setstate__ method by reflection.
        Path f = zipWithPickle(tmp.resolve("build.pt"), pickle("X\u0001\u0000\u0000\u0000x}b."));
        assertReadFails(f, ErrorCode.BAD_INPUT).hasMessageContaining("BUILD on the str 'x'");
    }

    @Test
    void allowListAcceptsModuleClassesUnderKnownPackagesOnly() {
        assertThat(GlobalAllowList.resolve("ultralytics.nn.modules", "Conv")).isNotNull();
        assertThat(GlobalAllowList.resolve("ultralytics.nn.modules.head", "v10Detect")).isNotNull();
        assertThat(GlobalAllowList.resolve("ultralytics.nn.tasks", "DetectionModel")).isNotNull();
        assertThat(GlobalAllowList.resolve("torch.nn.modules.conv", "Conv2d")).isNotNull();
        assertThat(GlobalAllowList.resolve("__builtin__", "set").kind()).isEqualTo(PickleGlobal.Kind.SET);
        assertThat(GlobalAllowList.resolve("builtins", "set").kind()).isEqualTo(PickleGlobal.Kind.SET);
        assertThat(GlobalAllowList.resolve("torch", "BFloat16Storage").dtype()).isEqualTo(DType.BFLOAT16);
        assertThat(GlobalAllowList.resolve("torch", "float16").kind()).isEqualTo(PickleGlobal.Kind.DTYPE);
        for (String[] bad : new String[][] {{"os", "system"}, {"posix", "system"}, {"builtins", "eval"},
            {"builtins", "exec"}, {"__builtin__", "apply"}, {"subprocess", "Popen"}, {"torch", "load"},
            {"torch._utils", "_rebuild_tensor"}, {"ultralytics.nn.tasks", "torch_safe_load"},
            {"ultralytics.nn.tasks", "_Private"}, {"ultralytics.utils", "Thing"}, {"torch.nn.modules", "x.Y"},
            {"ultralytics.nn.modules\nos", "Conv"}, {"numpy.core.multiarray", "_reconstruct"},
            {"torchvision.transforms.functional", "resize"}}) {
            assertThat(GlobalAllowList.resolve(bad[0], bad[1])).as(bad[0] + "." + bad[1]).isNull();
        }
    }
}
