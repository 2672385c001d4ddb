package com.careledger.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * docs/benchmarks.md has two writers: {@code bench/run} writes the whole file, {@code bench/sessions} its "Portal
 * sessions" section. Neither may lose the other's figures: the session benchmark replaces only the text between its
 * markers (or appends its section), and the database benchmarks carry that section over into the file they write.
 */
class SessionReportTest {

    private static final String SECTION = SessionReport.BEGIN + "\n## Portal sessions\n\n| N | per session |\n| 200 | 180 KB |\n"
            + SessionReport.END;

    @Test
    void theSessionSectionIsAppendedToAFileWithoutOne() {
        String file = "# Benchmarks\n\n## 1. RLS cost\n\nfigures\n";

        String written = SessionReport.replaceSection(file, SECTION);

        assertThat(written).startsWith(file).endsWith(SECTION + "\n").contains("figures\n\n" + SessionReport.BEGIN);
    }

    @Test
    void aNewRunReplacesOnlyTheSessionSection() {
        String file = "# Benchmarks\n\nbefore\n\n" + SECTION + "\n\n## after\n\nmore figures\n";
        String newer = SECTION.replace("180 KB", "120 KB");

        String written = SessionReport.replaceSection(file, newer);

        assertThat(written).isEqualTo("# Benchmarks\n\nbefore\n\n" + newer + "\n\n## after\n\nmore figures\n")
                .doesNotContain("180 KB");
    }

    @Test
    void theDatabaseBenchmarksKeepTheSessionSectionOfTheFileTheyReplace() {
        String old = "# Benchmarks\n\nold database figures\n\n" + SECTION + "\n";
        String fresh = "# Benchmarks\n\nnew database figures\n";

        String written = SessionReport.keepSection(old, fresh);

        assertThat(written).contains("new database figures", SECTION).doesNotContain("old database figures");
        assertThat(SessionReport.keepSection("# Benchmarks\n\nno sessions measured\n", fresh)).isEqualTo(fresh);
    }

    @Test
    void aFileWithOnlyOneOfTheMarkersIsRefusedUnchanged() {
        String broken = "# Benchmarks\n\n" + SessionReport.BEGIN + "\n## Portal sessions, cut short\n";

        assertThatThrownBy(() -> SessionReport.replaceSection(broken, SECTION))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("only one of the session section's two markers");
    }
}
