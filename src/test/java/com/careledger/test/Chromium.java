package com.careledger.test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Chromium that browser tests drive, with the arguments and environment it starts with. The first of these
 * that exists wins:
 * <ol>
 * <li>the executable named by the {@code CHROMIUM} environment variable (when set, it must exist);</li>
 * <li>the distribution's package, {@code /usr/bin/chromium};</li>
 * <li>the Chromium build of npm's {@code @sparticuz/chromium} ({@link NpmChromium}), downloaded once from the npm
 * registry, checked against its pinned checksum and unpacked into {@code ~/.cache/careledger/chromium/}.</li>
 * </ol>
 * When none can be had, {@link #find()} throws, naming what it tried and why each failed: browser tests never
 * skip for want of a browser.
 *
 * @param executable the browser to launch
 * @param args       command-line switches on top of Playwright's own
 * @param env        the browser's whole environment, or empty to inherit the test JVM's
 * @param origin     where it came from, for logs and failure messages
 */
public record Chromium(Path executable, List<String> args, Map<String, String> env, String origin) {

    private static final Logger log = LoggerFactory.getLogger(Chromium.class);

    /** The distribution's Chromium (Debian's package {@code chromium}). */
    public static final Path SYSTEM_CHROMIUM = Path.of("/usr/bin/chromium");

    /**
     * Whatever Chromium runs, it must not reach out on its own: this machine's network is closed, and without
     * these it keeps opening connections that are refused and looking up Google's hosts.
     */
    static final List<String> QUIET_NETWORK = List.of("--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync");

    /** A full Chromium (the distribution's or the one CHROMIUM names), run as root, without a GPU. */
    static final List<String> SYSTEM_ARGS = Stream.concat(Stream.of("--no-sandbox", "--disable-gpu"),
            QUIET_NETWORK.stream()).toList();

    public Chromium {
        args = List.copyOf(args);
        env = Map.copyOf(env);
    }

    /** Finds a Chromium as described above, from this machine's environment. */
    public static Chromium find() {
        Chromium chromium = find(System.getenv("CHROMIUM"), SYSTEM_CHROMIUM, NpmChromium.fromEnvironment());
        log.info("Browser tests run {} ({})", chromium.executable(), chromium.origin());
        return chromium;
    }

    static Chromium find(String chromiumVariable, Path systemChromium, NpmChromium npm) {
        List<String> tried = new ArrayList<>();
        if (chromiumVariable != null && !chromiumVariable.isBlank()) {
            Path named = Path.of(chromiumVariable);
            if (isExecutable(named)) {
                return new Chromium(named, SYSTEM_ARGS, Map.of(), "CHROMIUM=" + chromiumVariable);
            }
            // a browser asked for by name is never swapped for another one
            throw new IllegalStateException("CHROMIUM=" + chromiumVariable + " is not an executable file. Point "
                    + "it at a Chromium or Chrome executable, or unset it to use " + systemChromium
                    + " or else the " + npm.describe() + ".");
        }
        tried.add("CHROMIUM: not set");

        if (isExecutable(systemChromium)) {
            return new Chromium(systemChromium, SYSTEM_ARGS, Map.of(), "the distribution's package");
        }
        tried.add(systemChromium + ": " + (Files.exists(systemChromium) ? "not executable" : "not installed"));

        try {
            return npm.install();
        } catch (IOException | RuntimeException e) {
            tried.add(npm.describe() + ": " + reason(e));
        }
        throw new IllegalStateException("No Chromium for the browser tests. Tried, in order:\n  - "
                + String.join("\n  - ", tried)
                + "\nSet CHROMIUM to a Chromium or Chrome executable, install the distribution's package "
                + "(apt-get install chromium), or let the build reach the npm registry (" + npm.registry()
                + "; another one through the environment variable npm_config_registry).");
    }

    /** What went wrong: the exception's message and its causes', each exception named unless it is a plain one. */
    private static String reason(Throwable e) {
        List<String> parts = new ArrayList<>();
        for (Throwable t = e; t != null; t = t.getCause()) {
            boolean plain = t.getClass() == IOException.class || t.getClass() == IllegalStateException.class;
            String part = t.getMessage() == null ? t.getClass().getSimpleName()
                    : plain ? t.getMessage() : t.getClass().getSimpleName() + " (" + t.getMessage() + ")";
            if (parts.isEmpty() || !parts.getLast().equals(part)) {
                parts.add(part);
            }
        }
        return String.join(": ", parts);
    }

    private static boolean isExecutable(Path path) {
        return Files.isRegularFile(path) && Files.isExecutable(path);
    }

    /** The registry the npm client here would use: npm_config_registry when set, else npm's own. */
    static URI npmRegistry() {
        String configured = System.getenv("npm_config_registry");
        if (configured == null || configured.isBlank()) {
            configured = System.getenv("NPM_CONFIG_REGISTRY");
        }
        String registry = configured == null || configured.isBlank() ? "https://registry.npmjs.org/" : configured;
        return URI.create(registry.endsWith("/") ? registry : registry + "/");
    }
}
