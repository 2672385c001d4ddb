package com.careledger.bench;

/** The generator's lines on standard output, each after "[bench] ", unless the run is quiet (the tests' runs are). */
record BenchLog(boolean quiet) {

    void log(String format, Object... args) {
        if (!quiet) {
            System.out.println("[bench] " + format.formatted(args));
        }
    }
}
