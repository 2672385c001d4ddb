package com.careledger.core.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The layout rules of {@code db/migration} (docs/database.md, "Changing the schema"), checked over the files' text
 * and a migrated database: every function and view is defined exactly once, in one file (no placeholder definitions
 * either), every function in the database comes from a migration file, and the app's roles execute only reviewed
 * functions.
 */
final class MigrationRules {

    private static final Pattern DEFINITION = Pattern.compile(
            "(?im)^create\\s+(?:or\\s+replace\\s+)?(function|view)\\s+([a-z_][a-z0-9_]*\\.)?([a-z_][a-z0-9_]*)");

    private MigrationRules() {
    }

    /** A function or view defined by a migration file. */
    record Definition(String file, String kind, String name) {
    }

    /** The text of every {@code .sql} file of a folder, by file name. */
    static Map<String, String> read(Path folder) {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.list(folder)) {
            for (Path p : paths.filter(p -> p.toString().endsWith(".sql")).toList()) {
                files.put(p.getFileName().toString(), Files.readString(p, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    static List<Definition> definitions(Map<String, String> files) {
        List<Definition> out = new ArrayList<>();
        files.forEach((file, text) -> {
            Matcher m = DEFINITION.matcher(text);
            while (m.find()) {
                String schema = m.group(2) == null ? "public" : m.group(2).substring(0, m.group(2).length() - 1);
                out.add(new Definition(file, m.group(1).toLowerCase(Locale.ROOT),
                        (schema + "." + m.group(3)).toLowerCase(Locale.ROOT)));
            }
        });
        return out;
    }

    /** Names defined more than once, across files or within one, with where. */
    static Map<String, List<String>> duplicates(Map<String, String> files) {
        Map<String, List<String>> where = new TreeMap<>();
        for (Definition d : definitions(files)) {
            where.computeIfAbsent(d.name(), k -> new ArrayList<>()).add(d.file());
        }
        where.values().removeIf(list -> list.size() < 2);
        return where;
    }

    /** Functions of the database that no migration file defines. */
    static Set<String> orphans(Collection<String> databaseFunctions, Map<String, String> files) {
        Set<String> defined = new TreeSet<>();
        for (Definition d : definitions(files)) {
            if (d.kind().equals("function")) {
                defined.add(d.name());
            }
        }
        Set<String> out = new TreeSet<>(databaseFunctions);
        out.removeAll(defined);
        return out;
    }

    /** The signatures of a reviewed list: one per line, {@code #} comments and blank lines skipped. */
    static Set<String> allowList(String text) {
        Set<String> out = new TreeSet<>();
        text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(out::add);
        return out;
    }
}
