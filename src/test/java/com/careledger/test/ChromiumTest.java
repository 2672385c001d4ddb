package com.careledger.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import com.sun.net.httpserver.HttpServer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which Chromium the browser tests get, and the npm build's download, check, unpacking and cache, against a
 * package of the same shape (tiny files, brotli-framed) served from a local registry.
 */
class ChromiumTest {

    private static final String TARBALL_PATH = "/@sparticuz/chromium/-/chromium-152.0.0.tgz";

    @TempDir
    Path tmp;

    private HttpServer registry;
    private final AtomicInteger downloads = new AtomicInteger();

    @AfterEach
    void stopRegistry() {
        if (registry != null) {
            registry.stop(0);
        }
    }

    @Test
    void theChromiumVariableWinsAndNothingIsDownloaded() throws Exception {
        Path named = executable("my-chrome");
        Path system = executable("chromium");
        NpmChromium npm = npm(serve(fakePackage(Map.of())), "sha512-unused");

        Chromium chromium = Chromium.find(named.toString(), system, npm);

        assertThat(chromium.executable()).isEqualTo(named);
        assertThat(chromium.args()).isEqualTo(Chromium.SYSTEM_ARGS);
        assertThat(chromium.env()).isEmpty();
        assertThat(downloads).hasValue(0);
    }

    @Test
    void aChromiumVariableNamingNoExecutableFailsRatherThanFallingBack() {
        Path system = executable("chromium");
        NpmChromium npm = npm(unreachableRegistry(), NpmChromium.INTEGRITY);

        assertThatThrownBy(() -> Chromium.find(tmp.resolve("no-such-chrome").toString(), system, npm))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("CHROMIUM=" + tmp.resolve("no-such-chrome") + " is not an executable file");
    }

    @Test
    void theDistributionsChromiumComesNext() {
        Path system = executable("chromium");

        Chromium chromium = Chromium.find(null, system, npm(unreachableRegistry(), NpmChromium.INTEGRITY));

        assertThat(chromium.executable()).isEqualTo(system);
        assertThat(chromium.args()).contains("--disable-background-networking", "--no-sandbox", "--disable-gpu");
    }

    @Test
    void withoutASystemChromiumTheNpmBuildIsDownloadedCheckedUnpackedAndCached() throws Exception {
        byte[] tarball = fakePackage(Map.of());
        NpmChromium npm = npm(serve(tarball), integrity(tarball));
        Path dir = tmp.resolve("cache/chromium/152.0.0");

        Chromium chromium = Chromium.find(" ", tmp.resolve("absent/chromium"), npm);

        assertThat(chromium.executable()).isEqualTo(dir.resolve("chromium"));
        assertThat(Files.readString(dir.resolve("chromium"))).isEqualTo("#!/bin/sh\necho chromium\n");
        assertThat(Files.isExecutable(dir.resolve("chromium"))).isTrue();
        assertThat(dir.resolve("libGLESv2.so")).isRegularFile();
        assertThat(Files.isExecutable(dir.resolve("libGLESv2.so"))).isTrue();
        assertThat(dir.resolve("al2023/lib/libnss3.so")).isRegularFile();
        assertThat(dir.resolve("fonts/fonts/Open_Sans/OpenSans-Regular.ttf")).isRegularFile();
        assertThat(dir.resolve("package.tgz")).doesNotExist();
        assertThat(Files.readString(dir.resolve("fonts/fonts.conf")))
                .contains("<dir>" + dir.resolve("fonts/fonts") + "</dir>")
                .contains("<cachedir>" + dir.resolve("fonts/cache") + "</cachedir>")
                .doesNotContain("/var/task");

        assertThat(chromium.args())
                .contains("--no-zygote", "--use-angle=swiftshader", "--in-process-gpu", "--disable-background-networking")
                .doesNotContain("--single-process", "--disable-web-security")
                .noneMatch(arg -> arg.startsWith("--disable-features") || arg.startsWith("--enable-features"));
        assertThat(chromium.env().get("LD_LIBRARY_PATH")).startsWith(dir.resolve("al2023/lib").toString());
        assertThat(chromium.env()).containsEntry("FONTCONFIG_PATH", dir.resolve("fonts").toString());
        assertThat(chromium.env()).containsKey("PATH");

        // a later run, in this JVM or another, takes the cached copy
        Chromium again = Chromium.find(null, tmp.resolve("absent/chromium"), npm(registryUri(), integrity(tarball)));
        assertThat(again.executable()).isEqualTo(chromium.executable());
        assertThat(downloads).hasValue(1);
        try (Stream<Path> left = Files.list(dir.getParent())) {
            assertThat(left.map(p -> p.getFileName().toString())).containsOnly("152.0.0", "152.0.0.lock");
        }
    }

    @Test
    void aTarballWithAnotherChecksumIsRefusedAndTheFailureSaysWhatWasTried() throws Exception {
        byte[] tarball = fakePackage(Map.of());
        NpmChromium npm = npm(serve(tarball), NpmChromium.INTEGRITY);

        assertThatThrownBy(() -> Chromium.find(null, tmp.resolve("absent/chromium"), npm))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No Chromium for the browser tests")
                .hasMessageContaining("CHROMIUM: not set")
                .hasMessageContaining(tmp.resolve("absent/chromium") + ": not installed")
                .hasMessageContaining("npm package @sparticuz/chromium 152.0.0")
                .hasMessageContaining("has checksum " + integrity(tarball) + ", not the " + NpmChromium.INTEGRITY);
        try (Stream<Path> left = Files.list(tmp.resolve("cache/chromium"))) {
            assertThat(left.map(p -> p.getFileName().toString())).containsOnly("152.0.0.lock");
        }
    }

    @Test
    void anUnreachableRegistryFailsTheBuildNamingTheConnectionError() {
        NpmChromium npm = npm(unreachableRegistry(), NpmChromium.INTEGRITY);

        assertThatThrownBy(() -> Chromium.find(null, tmp.resolve("absent/chromium"), npm))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("CHROMIUM: not set")
                .hasMessageContaining("ConnectException")
                .hasMessageContaining("Set CHROMIUM to a Chromium or Chrome executable");
    }

    @Test
    void anArchiveEntryOutsideItsFolderIsRefused() throws Exception {
        byte[] tarball = fakePackage(Map.of("../../escaped", "x"));
        NpmChromium npm = npm(serve(tarball), integrity(tarball));

        assertThatThrownBy(() -> Chromium.find(null, tmp.resolve("absent/chromium"), npm))
                .hasMessageContaining("archive entry ../../escaped points outside");
        assertThat(tmp.resolve("cache/chromium/escaped")).doesNotExist();
        assertThat(tmp.resolve("cache/chromium/152.0.0")).doesNotExist();
    }

    // --- a registry and a package of the real one's shape

    private NpmChromium npm(URI registry, String integrity) {
        return new NpmChromium(registry, tmp.resolve("cache"), NpmChromium.VERSION, integrity);
    }

    private URI serve(byte[] tarball) throws IOException {
        registry = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        registry.createContext("/", exchange -> {
            if (exchange.getRequestURI().getPath().equals(TARBALL_PATH)) {
                downloads.incrementAndGet();
                exchange.sendResponseHeaders(200, tarball.length);
                exchange.getResponseBody().write(tarball);
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
            exchange.close();
        });
        registry.start();
        return registryUri();
    }

    private URI registryUri() {
        return URI.create("http://127.0.0.1:" + registry.getAddress().getPort() + "/");
    }

    private static URI unreachableRegistry() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/"); // closed again at once
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path executable(String name) {
        try {
            Path file = Files.createDirectories(tmp.resolve("bin")).resolve(name);
            Files.writeString(file, "#!/bin/sh\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
            return file;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** package/bin/ as @sparticuz/chromium ships it; {@code extraLibs} go into al2023.tar.br as well. */
    private static byte[] fakePackage(Map<String, String> extraLibs) throws IOException {
        Map<String, String> libs = new LinkedHashMap<>(Map.of("lib/libnss3.so", "nss"));
        libs.putAll(extraLibs);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("package/package.json", utf8("{\"name\":\"@sparticuz/chromium\",\"version\":\"152.0.0\"}"));
        files.put("package/bin/chromium.br", Brotli.stored(utf8("#!/bin/sh\necho chromium\n")));
        files.put("package/bin/al2023.tar.br", Brotli.stored(tar(libs, true)));
        files.put("package/bin/fonts.tar.br", Brotli.stored(tar(Map.of("fonts.conf", "<dir>/var/task/fonts</dir>",
                "fonts/Open_Sans/OpenSans-Regular.ttf", "ttf"), false)));
        files.put("package/bin/swiftshader.tar.br", Brotli.stored(tar(Map.of("libGLESv2.so", "gles",
                "vk_swiftshader_icd.json", "{}"), true)));
        files.put("package/build/index.js", utf8("export default class Chromium {}"));
        ByteArrayOutputStream tgz = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(new GZIPOutputStream(tgz))) {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                add(out, file.getKey(), file.getValue(), false);
            }
        }
        return tgz.toByteArray();
    }

    private static byte[] tar(Map<String, String> files, boolean executable) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            for (Map.Entry<String, String> file : files.entrySet()) {
                add(out, file.getKey(), utf8(file.getValue()), executable && file.getKey().endsWith(".so"));
            }
        }
        return bytes.toByteArray();
    }

    private static void add(TarArchiveOutputStream out, String name, byte[] content, boolean executable)
            throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name, true);
        entry.setSize(content.length);
        entry.setMode(executable ? 0100755 : 0100644);
        out.putArchiveEntry(entry);
        out.write(content);
        out.closeArchiveEntry();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String integrity(byte[] content) throws Exception {
        return "sha512-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-512").digest(content));
    }

    /**
     * A brotli stream (RFC 7932) of uncompressed meta-blocks: what the decoder reads, with no encoder needed.
     */
    static final class Brotli {

        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private int pending;
        private int pendingBits;

        static byte[] stored(byte[] data) {
            Brotli w = new Brotli();
            w.bits(0, 1); // WBITS: 16
            for (int offset = 0; offset < data.length; offset += 32768) {
                int length = Math.min(32768, data.length - offset);
                w.bits(0, 1); // ISLAST
                w.bits(0, 2); // MNIBBLES: 4
                w.bits(length - 1, 16); // MLEN - 1
                w.bits(1, 1); // ISUNCOMPRESSED
                w.align();
                w.out.write(data, offset, length);
            }
            w.bits(1, 1); // ISLAST
            w.bits(1, 1); // ISLASTEMPTY
            w.align();
            return w.out.toByteArray();
        }

        private void bits(int value, int count) {
            for (int i = 0; i < count; i++) {
                pending |= ((value >>> i) & 1) << pendingBits;
                if (++pendingBits == 8) {
                    align();
                }
            }
        }

        private void align() {
            if (pendingBits > 0) {
                out.write(pending);
                pending = 0;
                pendingBits = 0;
            }
        }
    }
}
