import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.careledger.core.db.embedded.LocalPostgres;
import org.flywaydb.core.Flyway;
import org.jooq.codegen.GenerationTool;
import org.jooq.meta.jaxb.Configuration;
import org.jooq.meta.jaxb.Database;
import org.jooq.meta.jaxb.Generate;
import org.jooq.meta.jaxb.Generator;
import org.jooq.meta.jaxb.Jdbc;
import org.jooq.meta.jaxb.Logging;
import org.jooq.meta.jaxb.SchemaMappingType;
import org.jooq.meta.jaxb.Target;

/**
 * Build step (generate-sources): generates the jOOQ classes from a real PostgreSQL 16 migrated by
 * Flyway, the way production is migrated: roles from db/setup/roles.sql, then db/migration as the
 * migrator role (what it creates then belongs to the owner). Skipped while db/migration, db/setup, this file and the jOOQ version are unchanged.
 *
 * <p>Arguments: project base directory, output directory.
 */
public final class JooqCodegen {

    private static final String DATABASE = "careledger";
    private static final String OWNER = "careledger_owner";
    private static final String MIGRATOR = "careledger_migrator";
    private static final String PACKAGE = "com.careledger.db";

    public static void main(String[] args) throws Exception {
        Path base = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Path stamp = out.resolve(".inputs.sha256");
        String inputs = inputsHash(base);
        if (Files.exists(stamp) && Files.readString(stamp).equals(inputs)) {
            System.out.println("[jooq-codegen] db/ unchanged since the last generation: skipped");
            return;
        }
        Path work = base.resolve("target/codegen-postgres");
        var settings = new LocalPostgres.Settings(work.resolve("data"), base.resolve("target/postgres"), 0,
                Map.of("fsync", "off", "synchronous_commit", "off", "full_page_writes", "off"));
        deleteRecursively(work.resolve("data"));
        try (LocalPostgres pg = LocalPostgres.start(settings)) {
            pg.prepareDatabase(DATABASE, OWNER, Files.readString(base.resolve("db/setup/roles.sql")));
            Flyway.configure()
                    .dataSource(pg.jdbcUrl(DATABASE), MIGRATOR, pg.password(MIGRATOR))
                    .locations("filesystem:" + base.resolve("db/migration"))
                    .load()
                    .migrate();
            deleteRecursively(out);
            GenerationTool.generate(new Configuration()
                    .withLogging(Logging.WARN)
                    .withJdbc(new Jdbc().withDriver("org.postgresql.Driver")
                            .withUrl(pg.jdbcUrl(DATABASE)).withUser(MIGRATOR).withPassword(pg.password(MIGRATOR)))
                    .withGenerator(new Generator()
                            .withDatabase(new Database()
                                    .withName("org.jooq.meta.postgres.PostgresDatabase")
                                    // the product's tables, and the context/security functions; never the
                                    // extensions schema
                                    .withSchemata(new SchemaMappingType().withInputSchema("public"),
                                            new SchemaMappingType().withInputSchema("app"))
                                    .withExcludes("flyway_schema_history")
                                    // partitions are named by date and made by upkeep: query the parent
                                    .withExcludeSql("select c.relname from pg_catalog.pg_class c where c.relispartition"))
                            .withGenerate(new Generate()
                                    .withJavaTimeTypes(true)
                                    .withRecords(true)
                                    .withPojos(false)
                                    .withDaos(false)
                                    .withComments(true))
                            .withTarget(new Target()
                                    .withPackageName(PACKAGE)
                                    .withDirectory(out.toString()))));
            Files.writeString(stamp, inputs);
            System.out.println("[jooq-codegen] generated " + PACKAGE + " into " + out);
        }
    }

    /** Hash of every input that shapes the generated code. */
    private static String inputsHash(Path base) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        List<Path> files;
        try (Stream<Path> migration = Files.walk(base.resolve("db/migration"));
             Stream<Path> setup = Files.walk(base.resolve("db/setup"))) {
            files = Stream.concat(Stream.concat(migration, setup),
                            Stream.of(base.resolve("src/build/java/JooqCodegen.java")))
                    .filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
            digest.update(base.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
            digest.update(Files.readAllBytes(f));
        }
        digest.update(org.jooq.Constants.FULL_VERSION.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void deleteRecursively(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
