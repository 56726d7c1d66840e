// SPDX-License-Identifier: Apache-2.0
package io.obs.examples.shop.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The fenced code blocks of the documentation pages this example keeps honest, each with the
 * directive in the HTML comment on the line before it: {@code <!-- include: path#tag -->} (the block
 * is that region of a real file) or {@code <!-- check: kind -->} (a test validates it by kind).
 */
public final class DocBlocks {

  /** The pages whose blocks are kept honest here. */
  public static final List<String> PAGES =
      List.of("README.md", "docs/getting-started.md", "docs/architecture.md",
          "docs/configuration.md", "docs/tracing.md", "docs/metrics.md", "docs/logs.md",
          "docs/deployment.md", "docs/migration.md", "docs/correlation.md", "docs/ebpf.md",
          "docs/spring-boot.md", "docs/security.md", "docs/reliability.md",
          "examples/shop/README.md");

  private static final Pattern DIRECTIVE =
      Pattern.compile("^<!--\\s*(include|check):\\s*(\\S+)\\s*-->\\s*$");

  /** One fenced block. */
  public record Block(
      String page, int line, String language, @Nullable String directive,
      @Nullable String argument, String text) {

    public String where() {
      return page + ":" + line;
    }
  }

  private DocBlocks() {}

  /** The repository root: {@code obs.repo.root}, else two levels above the module. */
  public static Path repoRoot() {
    String property = System.getProperty("obs.repo.root");
    Path root = property != null ? Path.of(property) : Path.of("../..");
    return root.toAbsolutePath().normalize();
  }

  /** Every block of every page. */
  public static List<Block> all() {
    List<Block> blocks = new ArrayList<>();
    for (String page : PAGES) {
      blocks.addAll(parse(page, read(repoRoot().resolve(page))));
    }
    return blocks;
  }

  /** Blocks carrying {@code <!-- check: kind -->}. */
  public static List<Block> checked(String kind) {
    return all().stream()
        .filter(b -> "check".equals(b.directive()) && kind.equals(b.argument()))
        .toList();
  }

  static List<Block> parse(String page, String markdown) {
    List<Block> blocks = new ArrayList<>();
    String[] lines = markdown.split("\n", -1);
    String previous = "";
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.startsWith("```")) {
        String language = line.substring(3).trim();
        StringBuilder text = new StringBuilder();
        int start = i + 1;
        i++;
        while (i < lines.length && !lines[i].startsWith("```")) {
          text.append(lines[i]).append('\n');
          i++;
        }
        if (i >= lines.length) {
          throw new IllegalStateException(page + ":" + start + ": unterminated code block");
        }
        Matcher m = DIRECTIVE.matcher(previous.trim());
        blocks.add(
            m.matches()
                ? new Block(page, start, language, m.group(1), m.group(2), text.toString())
                : new Block(page, start, language, null, null, text.toString()));
        previous = "";
        continue;
      }
      if (!line.isBlank()) {
        previous = line;
      }
    }
    return blocks;
  }

  /**
   * The text between {@code tag::name[]} and {@code end::name[]} in a file (lines holding other
   * tags left out), with the common indentation removed; the whole file without a tag.
   */
  public static String region(Path file, @Nullable String tag) {
    List<String> lines = List.of(read(file).split("\n", -1));
    List<String> kept = new ArrayList<>();
    boolean inside = tag == null;
    boolean found = tag == null;
    for (String line : lines) {
      if (tag != null && line.contains("tag::" + tag + "[]") && !line.contains("end::")) {
        inside = true;
        found = true;
        continue;
      }
      if (tag != null && line.contains("end::" + tag + "[]")) {
        inside = false;
        continue;
      }
      if (inside && !line.matches(".*\\b(tag|end)::[A-Za-z0-9_-]+\\[].*")) {
        kept.add(line);
      }
    }
    if (!found) {
      throw new IllegalArgumentException(file + " has no tag::" + tag + "[]");
    }
    while (!kept.isEmpty() && kept.get(kept.size() - 1).isBlank()) {
      kept.remove(kept.size() - 1);
    }
    int indent = Integer.MAX_VALUE;
    for (String line : kept) {
      if (!line.isBlank()) {
        indent = Math.min(indent, line.length() - line.stripLeading().length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String line : kept) {
      out.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
    }
    return out.toString();
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
