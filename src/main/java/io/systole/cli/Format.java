package io.systole.cli;

import java.util.List;

/** Plain-text tables and number formatting for terminal output. */
final class Format {
    private Format() {
    }

    /** 1234567 as "1,234,567". */
    static String count(long v) {
        return String.format("%,d", v);
    }

    /** Renders rows as a left/right aligned table: text columns left, numeric columns right. */
    static String table(List<String> header, List<List<String>> rows) {
        int[] width = new int[header.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = header.get(i).length();
            for (List<String> r : rows) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, width, rows);
        for (int i = 0; i < width.length; i++) {
            sb.append("-".repeat(width[i])).append(i + 1 < width.length ? "  " : "\n");
        }
        for (List<String> r : rows) {
            line(sb, r, width, rows);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells, int[] width, List<List<String>> rows) {
        for (int i = 0; i < cells.size(); i++) {
            boolean numeric = !rows.isEmpty() && rows.getFirst().get(i).matches("[-0-9.,%x e]+");
            String c = cells.get(i);
            String pad = " ".repeat(width[i] - c.length());
            sb.append(numeric ? pad + c : c + pad).append(i + 1 < cells.size() ? "  " : "\n");
        }
    }
}
