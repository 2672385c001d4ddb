package com.careledger.core.format;

/**
 * Whole numbers grouped the Indian way, in the digits 0-9 in every language: the last three digits, then groups of
 * two (1,23,45,678). {@code java.text.NumberFormat} for en-IN groups by thousands (12,345,678), so it is never used.
 */
public final class Numbers {

    private Numbers() {
    }

    /** 1234567 → "12,34,567"; -1000 → "-1,000"; every long, {@link Long#MIN_VALUE} included. */
    public static String grouped(long n) {
        // the magnitude as an unsigned number: -Long.MIN_VALUE does not fit a long
        String digits = Long.toUnsignedString(n < 0 ? -n : n);
        return (n < 0 ? "-" : "") + groupDigits(digits);
    }

    /** Indian grouping of a run of digits (no sign). */
    static String groupDigits(String digits) {
        int head = digits.length() - 3;
        if (head <= 0) {
            return digits;
        }
        StringBuilder grouped = new StringBuilder(digits.length() + digits.length() / 2);
        for (int i = 0; i < head; i++) {
            if (i > 0 && (head - i) % 2 == 0) {
                grouped.append(',');
            }
            grouped.append(digits.charAt(i));
        }
        return grouped.append(',').append(digits, head, digits.length()).toString();
    }
}
