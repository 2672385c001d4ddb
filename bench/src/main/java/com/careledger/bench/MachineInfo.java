package com.careledger.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** The report's machine: CPU, cores, RAM, OS, JDK, PostgreSQL and its settings, the load at the start. */
final class MachineInfo {

    private MachineInfo() {
    }

    /** A connection to the database whose server is described. */
    interface Database {
        Connection connect() throws SQLException;
    }

    static Map<String, String> read(DataGenerator.Target target) throws SQLException {
        return read(target::connect);
    }

    static Map<String, String> read(Database target) throws SQLException {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cpu", readFirst(Path.of("/proc/cpuinfo"), "model name", l -> l.substring(l.indexOf(':') + 1).strip(),
                System.getProperty("os.arch")));
        m.put("cores", String.valueOf(Runtime.getRuntime().availableProcessors()));
        m.put("ram", readFirst(Path.of("/proc/meminfo"), "MemTotal", l -> {
            long kb = Long.parseLong(l.replaceAll("[^0-9]", ""));
            return String.format(Locale.ROOT, "%.1f GiB", kb / 1024.0 / 1024.0);
        }, "unknown"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("jdk", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"));
        try (Connection c = target.connect(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("select version(), current_database()")) {
                rs.next();
                m.put("postgresql", rs.getString(1));
                m.put("database", rs.getString(2));
            }
            List<String> settings = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("""
                    select name, setting || coalesce(unit, '') from pg_settings
                    where name in ('shared_buffers', 'work_mem', 'fsync', 'synchronous_commit', 'full_page_writes', 'jit', 'max_connections')
                    order by name""")) {
                while (rs.next()) {
                    settings.add(rs.getString(1) + "=" + rs.getString(2));
                }
            }
            m.put("settings", String.join(", ", settings));
        }
        String load = readFirst(Path.of("/proc/loadavg"), "", l -> l.substring(0, Math.min(l.length(), 14)).strip(), "unknown");
        m.put("load at start", load);
        return m;
    }

    private static String readFirst(Path file, String prefix, Function<String, String> f, String fallback) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(prefix)) {
                    return f.apply(line);
                }
            }
        } catch (IOException | RuntimeException e) {
            return fallback;
        }
        return fallback;
    }
}
