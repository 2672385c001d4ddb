package com.careledger.bench;

/**
 * What names facility {@code no} planned as facility {@code plan}: its number, in the template's city and state;
 * the GSTIN, PAN and invoice prefix from its number. The copy (FacilityClone) turns a template's names into a
 * copy's with the same rules.
 */
record FacilityNames(String state, String city, String name, String gstin, String pan, String invoicePrefix) {

    static FacilityNames of(int no, int plan) {
        Catalogue.Type type = Plan.type(plan);
        String state = plan % 6 == 5 ? "29" : "27";
        String city = Catalogue.CITIES[(plan % 6 == 5 ? 8 : 0) + (plan / 7) % (plan % 6 == 5 ? 4 : 8)];
        String name = "%s %s %04d".formatted(city, type.label(), no + 1);
        String letters = letters(no);
        String gstin = state + "AA" + letters + String.format("%04d", no % 10000) + "F1Z" + (char) ('A' + no % 26);
        String pan = "AA" + letters + String.format("%04d", no % 10000) + "F";
        return new FacilityNames(state, city, name, gstin, pan, type.prefix() + letters.substring(1));
    }

    private static String letters(int no) {
        StringBuilder s = new StringBuilder();
        int x = no;
        for (int i = 0; i < 3; i++) {
            s.append((char) ('A' + x % 26));
            x /= 26;
        }
        return s.reverse().toString();
    }
}
