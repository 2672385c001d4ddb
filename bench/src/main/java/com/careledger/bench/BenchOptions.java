package com.careledger.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The command lines of bench/generate, bench/run and bench/sessions: {@code --key value} or {@code --key=value}, and
 * the command's switches ({@code --help}, ...), which take no value and read "true".
 */
final class BenchOptions {

    private BenchOptions() {
    }

    static Map<String, String> parse(String[] args, Set<String> switches, String command) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + arg + "; see bench/README.md");
            }
            String key = arg.substring(2);
            if (key.contains("=")) {
                options.put(key.substring(0, key.indexOf('=')), key.substring(key.indexOf('=') + 1));
            } else if (key.equals("help") || switches.contains(key)) {
                options.put(key, "true");
            } else if (i + 1 < args.length) {
                options.put(key, args[++i]);
            } else {
                throw new IllegalArgumentException("--" + key + " needs a value; see " + command + " --help");
            }
        }
        return options;
    }
}
