package com.careledger.core.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.careledger.test.FreshDatabase;
import org.junit.jupiter.api.Test;

/**
 * The schema the migrations build is the one reviewed: a database migrated from empty is compared, fact by fact
 * ({@code db/catalog.sql}: relations, columns, constraints, indexes, policies, triggers, views, functions with their
 * bodies, owners and grants, reference rows per table), with the committed snapshot {@code db/catalog-snapshot.txt}.
 * A change of the schema changes the snapshot in the same commit, so its diff is reviewed with the migration: copy
 * {@code target/catalog/actual.txt}, which this test writes, over the snapshot once the difference is the intended one.
 */
class SchemaCatalogTest {

    static final String DATABASE = "careledger_catalog";

    @Test
    void aDatabaseMigratedFromEmptyHasExactlyTheReviewedCatalog() throws Exception {
        List<String> actual = FreshDatabase.lines(DATABASE, resource("db/catalog.sql"));
        List<String> expected = resource("db/catalog-snapshot.txt").lines().toList();

        Path out = Path.of("target/catalog/actual.txt");
        Files.createDirectories(out.getParent());
        Files.write(out, actual, StandardCharsets.UTF_8);

        List<String> missing = new ArrayList<>(expected);
        missing.removeAll(actual);
        List<String> unexpected = new ArrayList<>(actual);
        unexpected.removeAll(expected);
        assertThat(unexpected).as("catalog facts not in the snapshot (see target/catalog/actual.txt)").isEmpty();
        assertThat(missing).as("snapshot facts the migrated database lacks (see target/catalog/actual.txt)").isEmpty();
        assertThat(actual).as("the same facts, as often").isEqualTo(expected);
    }

    /** The normalisation is what keeps the comparison independent of the day: monthly partitions carry no date. */
    @Test
    void theSnapshotHoldsNoDateOfTheDayItWasMade() throws Exception {
        assertThat(resource("db/catalog-snapshot.txt")).doesNotContainPattern("_p20[0-9]{6}")
                .contains("public.appointments_pYYYYMMDD", "public.audit_log_pYYYYMMDD", "public.settlements_pYYYYMMDD");
    }

    static String resource(String name) throws IOException {
        try (InputStream in = SchemaCatalogTest.class.getClassLoader().getResourceAsStream(name)) {
            return new String(Objects.requireNonNull(in, name).readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
