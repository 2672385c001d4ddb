package com.careledger.core;

/**
 * An amount of money in paise, the unit every amount is kept in (never a floating-point number). Shown
 * the Indian way: {@code ₹1,00,000.00} — the last three digits of the rupees, then groups of two.
 */
public record Money(long paise) {

    public static Money ofPaise(long paise) {
        return new Money(paise);
    }

    /** "₹1,00,000.00", "-₹0.05". */
    public String display() {
        long abs = Math.abs(paise);
        String rupees = Long.toString(abs / 100);
        StringBuilder grouped = new StringBuilder();
        int head = rupees.length() - 3;
        if (head > 0) {
            String lakhs = rupees.substring(0, head);
            for (int i = 0; i < lakhs.length(); i++) {
                if (i > 0 && (lakhs.length() - i) % 2 == 0) {
                    grouped.append(',');
                }
                grouped.append(lakhs.charAt(i));
            }
            grouped.append(',').append(rupees.substring(head));
        } else {
            grouped.append(rupees);
        }
        return (paise < 0 ? "-" : "") + "₹" + grouped + "." + String.format("%02d", abs % 100);
    }

    @Override
    public String toString() {
        return display();
    }
}
