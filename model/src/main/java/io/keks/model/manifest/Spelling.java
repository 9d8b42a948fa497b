package io.keks.model.manifest;

import java.util.Collection;
import java.util.Optional;

/** The nearest of some known words to one a user wrote, for the "did you mean" of a message. */
public final class Spelling {
    private Spelling() {
    }

    /** The candidate nearest {@code word} by edits, when it is at most {@code maxEdits} away. */
    public static Optional<String> nearest(String word, Collection<String> candidates, int maxEdits) {
        String best = null;
        int bestDistance = maxEdits + 1;
        for (String c : candidates) {
            int d = distance(word, c, bestDistance);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Levenshtein distance, or {@code limit} as soon as it cannot be less: thousands of candidates stay cheap. */
    static int distance(String a, String b, int limit) {
        if (Math.abs(a.length() - b.length()) >= limit) {
            return limit;
        }
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            int rowMin = current[0];
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                rowMin = Math.min(rowMin, current[j]);
            }
            if (rowMin >= limit) {
                return limit;
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
