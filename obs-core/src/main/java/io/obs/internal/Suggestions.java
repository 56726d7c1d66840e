// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import java.util.Collection;
import org.jspecify.annotations.Nullable;

/** Internal: not for use outside obs. Finds the valid name nearest to a misspelt one. */
public final class Suggestions {

  private Suggestions() {}

  /**
   * The candidate nearest to {@code wrong}, or null when none is near enough to be a plausible
   * typo. A dotted path is compared whole and by its last segment, so both {@code service.enviroment}
   * and a misplaced {@code environment} find {@code service.environment}.
   */
  public static @Nullable String nearest(String wrong, Collection<String> candidates) {
    String best = null;
    int bestScore = Integer.MAX_VALUE;
    String wrongLast = lastSegment(wrong);
    String wrongParent = parent(wrong);
    for (String candidate : candidates) {
      int whole = distance(wrong, candidate);
      int bySegment =
          distance(wrongLast, lastSegment(candidate))
              + (wrongParent.equals(parent(candidate)) ? 0 : 2);
      int score = Math.min(whole, bySegment);
      if (score < bestScore || (score == bestScore && best != null && candidate.length() < best.length())) {
        bestScore = score;
        best = candidate;
      }
    }
    int allowed = Math.max(2, wrongLast.length() / 2);
    return best != null && bestScore <= allowed ? best : null;
  }

  /**
   * Edit distance counting a swap of two neighbouring letters as one edit (optimal string
   * alignment), the commonest typo: {@code ratoi} is one edit from {@code ratio}, two from
   * {@code rate}.
   */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }

  private static String lastSegment(String path) {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? path : path.substring(dot + 1);
  }

  private static String parent(String path) {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? "" : path.substring(0, dot);
  }
}
