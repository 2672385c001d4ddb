package com.careledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.careledger.core.db.DatabaseExtensions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The application context starts on the embedded database (with a mock servlet environment), and its start-up work
 * (extension report, partition upkeep) runs inside transactions, as every database access must.
 */
@SpringBootTest
class ApplicationStartupTest {

    @Autowired
    DatabaseExtensions extensions;

    @Test
    void theContextStartsAndSeesTheRequiredExtensions() {
        assertThat(extensions.installed()).contains("pgcrypto", "pg_trgm", "btree_gin", "btree_gist", "uuid-ossp");
    }
}
