package dev.peregrine.exporter.pt;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.assertj.core.api.AbstractThrowableAssert;

/** Test helpers: the crafted files of {@code src/test/resources/pt} and small archives built on the fly. */
final class PtCases {
    private PtCases() {
    }

    /** A file written by {@code src/test/python/make_pt_cases.py}. */
    static Path resource(String name) {
        URL url = PtCases.class.getResource("/pt/" + name);
        if (url == null) {
            throw new IllegalArgumentException("missing test resource pt/" + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code model/data.pkl} (and {@code model/version}) holding {@code pickle} to {@code file}. */
    static Path zipWithPickle(Path file, byte[] pickle) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("model/data.pkl"));
            zip.write(pickle);
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("model/version"));
            zip.write("3\n".getBytes());
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return write(file, bytes.toByteArray());
    }

    static Path write(Path file, byte[] content) {
        try {
            return Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A pickle from opcodes given as a Latin-1 string (protocol 2 header added). */
    static byte[] pickle(String opcodes) {
        return ("\u0080\u0002" + opcodes).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** Asserts that reading fails with that code, and returns the message assertion for further checks. */
    static AbstractThrowableAssert<?, ? extends Throwable> assertReadFails(Path file, ErrorCode code) {
        return assertReadFails(file, PtLimits.DEFAULT, code);
    }

    static AbstractThrowableAssert<?, ? extends Throwable> assertReadFails(Path file, PtLimits limits, ErrorCode code) {
        return assertThatThrownBy(() -> PtCheckpoint.read(file, limits))
                .isInstanceOf(PeregrineException.class)
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((PeregrineException) e).code())
                        .as(e.getMessage()).isEqualTo(code))
                .hasMessageContaining(file.toString());
    }
}
