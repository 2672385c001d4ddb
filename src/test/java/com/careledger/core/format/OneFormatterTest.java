package com.careledger.core.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Numbers and amounts become text only in core.format ({@code Money} delegates to it): the rest of src/main/java
 * may not format them by hand. Read in the code outside comments and string contents, the rule is:
 * <ol>
 *   <li>no number formatter of the JDK or ICU ({@code NumberFormat}, {@code DecimalFormat},
 *       {@code CompactNumberFormat}, {@code RuleBasedNumberFormat}, {@code CompactDecimalFormat},
 *       {@code NumberFormatter}): for en-IN they group by thousands, or they bypass the portal's forms;</li>
 *   <li>no {@code String.format}, {@code .formatted} or {@code printf} whose (literal) format string has a
 *       grouping flag ({@code %,d}: thousands again) or a floating-point conversion ({@code %.2f}: money is never a
 *       double), nor an integer conversion ({@code %d}, {@code %x}, {@code %o}) fed an argument whose names say
 *       it is an amount (a word containing paise, paisa, rupee, amount or money);</li>
 *   <li>no paise turned into rupees by hand: an amount name divided by or taken modulo 100, a
 *       {@code BigDecimal.valueOf(…paise…, 2)}, or any division by a floating-point 100.</li>
 * </ol>
 * Counts with {@code %d} ("3 on the platform"), zero-padded codes ({@code %02d}), {@code %s} of text already
 * formatted, {@code NumberFormatException} and every word in a comment or a message stay allowed.
 */
class OneFormatterTest {

    private static final Path MAIN = Path.of("src/main/java");
    private static final Path FORMATTER = MAIN.resolve("com/careledger/core/format");

    private static final Pattern FORMATTER_CLASS = Pattern.compile(
            "\\b(NumberFormat|DecimalFormat|CompactNumberFormat|RuleBasedNumberFormat|CompactDecimalFormat"
                    + "|NumberFormatter|LocalizedNumberFormatter)\\b");
    private static final Pattern FORMAT_CALL = Pattern.compile("\\bString\\s*\\.\\s*format\\s*\\(|\\.\\s*formatted\\s*\\(|\\bprintf\\s*\\(");
    private static final Pattern CONVERSION = Pattern.compile("%(\\d+\\$)?([-#+ 0,(<]*)(\\d+)?(\\.\\d+)?([a-zA-Z%])");
    private static final Pattern AMOUNT_NAME = Pattern.compile("(?i)\\b\\w*(paise|paisa|rupee|amount|money)\\w*\\b");
    private static final Pattern BY_HAND = Pattern.compile(
            "(?i)\\b\\w*(paise|paisa|rupee|amount|money)\\w*\\s*(\\(\\s*\\))?\\s*[/%]\\s*100\\b"
                    + "|BigDecimal\\s*\\.\\s*valueOf\\s*\\(\\s*[^,()]*(paise|paisa|amount)[^,()]*(\\(\\s*\\))?\\s*,\\s*2\\s*\\)"
                    + "|/\\s*100(\\.0*)?[dDfF]\\b|/\\s*100\\.\\d*");

    @Test
    void nothingOutsideTheFormatterFormatsNumbersOrAmounts() throws IOException {
        List<String> violations = new ArrayList<>();
        int files = 0;
        try (Stream<Path> sources = Files.walk(MAIN)) {
            for (Path file : sources.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                if (file.startsWith(FORMATTER)) {
                    continue;
                }
                files++;
                violations.addAll(violations(MAIN.relativize(file).toString(), Files.readString(file)));
            }
        }
        assertThat(files).as("Java files read under %s", MAIN).isGreaterThan(50);
        assertThat(violations).as("format numbers and amounts with core.Money, core.format.Amounts, Numbers or Dates")
                .isEmpty();
    }

    @Test
    void theRuleFindsHandMadeFormatting() {
        assertThat(violations("A.java", "import java.text.NumberFormat;")).hasSize(1);
        assertThat(violations("A.java", "var f = new DecimalFormat(\"#,##0.00\");")).hasSize(1);
        assertThat(violations("A.java", "var f = com.ibm.icu.text.CompactDecimalFormat.getInstance(l, s);")).hasSize(1);
        assertThat(violations("A.java", "String s = String.format(\"%,d\", count);")).hasSize(1);
        assertThat(violations("A.java", "String s = String.format(Locale.ROOT, \"%08.2f\", x);")).hasSize(1);
        assertThat(violations("A.java", "String s = String.format(\"%d paise\", bill.totalPaise());")).hasSize(1);
        assertThat(violations("A.java", "String s = \"%d\".formatted(amount);")).hasSize(1);
        assertThat(violations("A.java", "String s = \"\"\"\n  Total %x\n  \"\"\".formatted(\n  totalPaise);"))
                .hasSize(1).first().asString().startsWith("A.java:3");
        assertThat(violations("A.java", "long rupees = totalPaise / 100;")).hasSize(1);
        assertThat(violations("A.java", "long rest = bill.amountPaise() % 100;")).hasSize(1);
        assertThat(violations("A.java", "var r = BigDecimal.valueOf(t.minimumPayoutPaise(), 2);")).hasSize(1);
        assertThat(violations("A.java", "double r = p / 100.0;")).hasSize(1);
        // one amount shown as a double two ways: each counts
        assertThat(violations("A.java", "String s = \"₹%.2f\".formatted(paise / 100d);")).hasSize(2);
    }

    @Test
    void theRuleLeavesLegitimateCodeAlone() {
        assertThat(violations("A.java", """
                // NumberFormat would group 12345678 by thousands; /* not */ String.format("%,d", paise)
                /* DecimalFormat, paise / 100 */
                class A {
                    void a(String name, long paise, int hour, int minute, int facilities, byte[] bytes, BigDecimal rate) {
                        try { Long.parseLong(name); } catch (NumberFormatException e) { throw new IllegalStateException("no NumberFormat here, paise / 100"); }
                        String url = "http://example.test/%d".formatted(hour);
                        String line = "%s at %s".formatted(name, Money.ofPaise(paise).display());
                        String clock = String.format("%02d:%02d", hour, minute);
                        String count = "%d on the platform".formatted(facilities);
                        String hex = HexFormat.of().formatHex(bytes);
                        String percent = rate.movePointRight(2).toPlainString() + " %";
                        char c = '"';
                        String quote = "\\"%,d\\"";
                    }
                }
                """)).isEmpty();
    }

    /** The rule's findings in one source file, each "path:line: what". */
    static List<String> violations(String path, String source) {
        Source code = Source.read(source);
        List<String> found = new ArrayList<>();
        Matcher formatter = FORMATTER_CLASS.matcher(code.bare);
        while (formatter.find()) {
            found.add(code.at(path, formatter.start()) + ": number formatter " + formatter.group(1));
        }
        Matcher call = FORMAT_CALL.matcher(code.bare);
        while (call.find()) {
            int open = call.end() - 1;
            int close = code.closingParenthesis(open);
            String arguments = code.bare.substring(open + 1, close);
            String format = call.group().startsWith(".") ? code.literalBefore(call.start())
                    : code.firstLiteralIn(open + 1, close);
            if (format == null) {
                continue; // a format held in a variable: nothing to read
            }
            Matcher conversion = CONVERSION.matcher(format);
            while (conversion.find()) {
                String flags = conversion.group(2);
                char kind = conversion.group(5).charAt(0);
                String where = code.at(path, call.start()) + ": " + conversion.group();
                if (flags.contains(",")) {
                    found.add(where + " groups by thousands");
                } else if ("fFeEgGaA".indexOf(kind) >= 0) {
                    found.add(where + " formats a floating-point number");
                } else if ("dxXo".indexOf(kind) >= 0 && AMOUNT_NAME.matcher(arguments).find()) {
                    found.add(where + " formats an amount");
                }
            }
        }
        Matcher byHand = BY_HAND.matcher(code.bare);
        while (byHand.find()) {
            found.add(code.at(path, byHand.start()) + ": paise turned into rupees by hand: " + byHand.group());
        }
        return found;
    }

    /**
     * A Java source read once: {@code text} without its comments, {@code bare} also without the contents of its
     * string and character literals (quotes kept). Both keep every offset and line of the original.
     */
    private record Source(String text, String bare) {

        static Source read(String source) {
            StringBuilder text = new StringBuilder(source.length());
            StringBuilder bare = new StringBuilder(source.length());
            int i = 0;
            int n = source.length();
            while (i < n) {
                char c = source.charAt(i);
                if (source.startsWith("//", i)) {
                    int end = source.indexOf('\n', i);
                    i = blank(source, i, end < 0 ? n : end, text, bare);
                } else if (source.startsWith("/*", i)) {
                    int end = source.indexOf("*/", i + 2);
                    i = blank(source, i, end < 0 ? n : end + 2, text, bare);
                } else if (source.startsWith("\"\"\"", i)) {
                    int end = source.indexOf("\"\"\"", i + 3);
                    while (end > 0 && source.charAt(end - 1) == '\\') {
                        end = source.indexOf("\"\"\"", end + 1);
                    }
                    i = literal(source, i, 3, end < 0 ? n : end + 3, text, bare);
                } else if (c == '"' || c == '\'') {
                    int end = i + 1;
                    while (end < n && source.charAt(end) != c && source.charAt(end) != '\n') {
                        end += source.charAt(end) == '\\' ? 2 : 1;
                    }
                    i = literal(source, i, 1, Math.min(end + 1, n), text, bare);
                } else {
                    text.append(c);
                    bare.append(c);
                    i++;
                }
            }
            return new Source(text.toString(), bare.toString());
        }

        /** A comment: spaces in both, its line breaks kept. */
        private static int blank(String source, int from, int to, StringBuilder text, StringBuilder bare) {
            for (int i = from; i < to; i++) {
                char keep = source.charAt(i) == '\n' ? '\n' : ' ';
                text.append(keep);
                bare.append(keep);
            }
            return to;
        }

        /** A literal: kept in text; in bare its quotes kept, its contents spaces. */
        private static int literal(String source, int from, int quotes, int to, StringBuilder text, StringBuilder bare) {
            for (int i = from; i < to; i++) {
                char c = source.charAt(i);
                text.append(c);
                boolean quote = i < from + quotes || i >= to - quotes;
                bare.append(quote || c == '\n' ? c : ' ');
            }
            return to;
        }

        /** The parenthesis that closes the one at {@code open}, literals and comments already out of the way. */
        int closingParenthesis(int open) {
            int depth = 0;
            for (int i = open; i < bare.length(); i++) {
                char c = bare.charAt(i);
                if (c == '(') {
                    depth++;
                } else if (c == ')' && --depth == 0) {
                    return i;
                }
            }
            return bare.length();
        }

        /** The contents of the string literal that ends just before {@code position} (white space between). */
        String literalBefore(int position) {
            int end = position - 1;
            while (end >= 0 && Character.isWhitespace(bare.charAt(end))) {
                end--;
            }
            if (end < 0 || bare.charAt(end) != '"') {
                return null;
            }
            boolean block = end >= 2 && bare.startsWith("\"\"\"", end - 2);
            int quotes = block ? 3 : 1;
            int start = block ? bare.lastIndexOf("\"\"\"", end - 3) : bare.lastIndexOf('"', end - 1);
            return start < 0 ? null : text.substring(start + quotes, end + 1 - quotes);
        }

        /** The contents of the first string literal between the two offsets. */
        String firstLiteralIn(int from, int to) {
            int start = bare.indexOf('"', from);
            if (start < 0 || start >= to) {
                return null;
            }
            boolean block = bare.startsWith("\"\"\"", start);
            int quotes = block ? 3 : 1;
            int end = block ? bare.indexOf("\"\"\"", start + 3) : bare.indexOf('"', start + 1);
            return end < 0 ? null : text.substring(start + quotes, end);
        }

        String at(String path, int offset) {
            int line = 1;
            for (int i = 0; i < offset; i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                }
            }
            return path + ":" + line;
        }
    }
}
