// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the Java decoders and bpf/obs_events.h in step, twice: by computing the C layout from
 * the header text (runs anywhere), and by compiling a program that prints offsetof/sizeof (where
 * a C compiler exists), which also checks the text-based computation.
 */
class LayoutConsistencyTest {

  static Path header() {
    Path dir = Path.of(System.getProperty("bpf.source.dir", "../bpf"));
    return dir.resolve("obs_events.h");
  }

  @Test
  void headerLayoutMatchesEveryJavaDecoder() throws IOException {
    Map<String, StructLayout> c = HeaderLayouts.parse(Files.readString(header()));
    Map<String, StructLayout> java =
        StructLayout.all().stream()
            .collect(Collectors.toMap(StructLayout::cName, l -> l, (a, b) -> a, LinkedHashMap::new));

    assertThat(java.keySet())
        .as("every struct in obs_events.h has exactly one Java decoder")
        .containsExactlyInAnyOrderElementsOf(c.keySet());
    for (StructLayout j : java.values()) {
      StructLayout h = c.get(j.cName());
      assertThat(j.size()).as("sizeof(struct %s)", j.cName()).isEqualTo(h.size());
      assertThat(j.fields())
          .as("fields of struct %s (name -> offset, size)", j.cName())
          .containsExactlyEntriesOf(h.fields());
    }
  }

  @Test
  void compiledLayoutMatchesEveryJavaDecoder(@TempDir Path tmp)
      throws IOException, InterruptedException {
    Path cc = findCompiler();
    assumeTrue(cc != null, "no C compiler (cc/gcc/clang) on PATH: compiled layout not checked");
    assumeTrue(
        Files.exists(Path.of("/usr/include/linux/types.h")),
        "no <linux/types.h> (linux-libc-dev): compiled layout not checked");

    StringBuilder src = new StringBuilder();
    src.append("#include <linux/types.h>\n#include <stddef.h>\n#include <stdio.h>\n");
    src.append("#include \"").append(header().toAbsolutePath()).append("\"\n");
    src.append("#define F(s, f) printf(#s \".\" #f \" %zu %zu\\n\", offsetof(struct s, f), ");
    src.append("sizeof(((struct s *)0)->f))\n");
    src.append("int main(void) {\n");
    for (StructLayout l : StructLayout.all()) {
      src.append(String.format("  printf(\"%s %%zu\\n\", sizeof(struct %s));%n", l.cName(), l.cName()));
      for (String f : l.fields().keySet()) {
        src.append(String.format("  F(%s, %s);%n", l.cName(), f));
      }
    }
    src.append("  return 0;\n}\n");
    Path file = tmp.resolve("layout.c");
    Files.writeString(file, src);
    Path exe = tmp.resolve("layout");

    String compileOut =
        run(List.of(cc.toString(), "-Wall", "-Wpadded", "-Werror", "-o", exe.toString(), file.toString()));
    assertThat(Files.exists(exe)).as("compiling the layout probe: %s", compileOut).isTrue();

    Map<String, String> printed = new HashMap<>();
    for (String line : run(List.of(exe.toString())).split("\n")) {
      int sp = line.indexOf(' ');
      if (sp > 0) {
        printed.put(line.substring(0, sp), line.substring(sp + 1).trim());
      }
    }
    for (StructLayout l : StructLayout.all()) {
      assertThat(printed.get(l.cName())).as("sizeof(struct %s)", l.cName()).isEqualTo(String.valueOf(l.size()));
      l.fields()
          .forEach(
              (name, f) ->
                  assertThat(printed.get(l.cName() + "." + name))
                      .as("offset and size of %s.%s", l.cName(), name)
                      .isEqualTo(f.offset() + " " + f.size()));
    }
  }

  @Test
  void parserSeesPaddingAndUnknownTypes() {
    String padded = "struct obs_bad { __u32 a; __u64 b; };";
    String unknown = "struct obs_bad { long a; };";

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> HeaderLayouts.parse(padded))
        .hasMessageContaining("implicit padding");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> HeaderLayouts.parse(unknown))
        .hasMessageContaining("long");
  }

  private static Path findCompiler() {
    for (String name : List.of("cc", "gcc", "clang")) {
      for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
        Path p = Path.of(dir, name);
        if (!dir.isEmpty() && Files.isExecutable(p)) {
          return p;
        }
      }
    }
    return null;
  }

  private static String run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", cmd).isTrue();
    return new String(out, StandardCharsets.UTF_8);
  }

  /** Computes struct layouts from obs_events.h text: fixed-width types, arrays, nested structs. */
  static final class HeaderLayouts {
    private static final Pattern DEFINE = Pattern.compile("#define\\s+(\\w+)\\s+(\\d+)\\b");
    private static final Pattern STRUCT =
        Pattern.compile("struct\\s+(\\w+)\\s*\\{([^{}]*)\\}\\s*;", Pattern.DOTALL);
    private static final Pattern FIELD =
        Pattern.compile("^(struct\\s+\\w+|\\w+)\\s+(\\w+)\\s*(?:\\[\\s*(\\w+)\\s*\\])?$");
    private static final Map<String, Integer> PRIMITIVES =
        Map.of(
            "__u8", 1, "__s8", 1, "char", 1, "__u16", 2, "__s16", 2, "__u32", 4, "__s32", 4,
            "__u64", 8, "__s64", 8);

    static Map<String, StructLayout> parse(String text) {
      String code = text.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ");
      Map<String, Integer> defines = new HashMap<>();
      Matcher d = DEFINE.matcher(code);
      while (d.find()) {
        defines.put(d.group(1), Integer.parseInt(d.group(2)));
      }
      Map<String, StructLayout> layouts = new LinkedHashMap<>();
      Map<String, Integer> aligns = new HashMap<>();
      Matcher s = STRUCT.matcher(code);
      while (s.find()) {
        String name = s.group(1);
        StructLayout.Builder b = null;
        List<String[]> fields = new ArrayList<>();
        int offset = 0;
        int maxAlign = 1;
        for (String decl : s.group(2).split(";")) {
          String f = decl.trim().replaceAll("\\s+", " ");
          if (f.isEmpty()) {
            continue;
          }
          Matcher m = FIELD.matcher(f);
          if (!m.matches()) {
            throw new IllegalArgumentException("cannot read field '" + f + "' of " + name);
          }
          String type = m.group(1);
          int size;
          int align;
          if (type.startsWith("struct ")) {
            String inner = type.substring(7);
            StructLayout l = layouts.get(inner);
            if (l == null) {
              throw new IllegalArgumentException(name + " uses undefined struct " + inner);
            }
            size = l.size();
            align = aligns.get(inner);
          } else {
            Integer p = PRIMITIVES.get(type);
            if (p == null) {
              throw new IllegalArgumentException(
                  name + "." + m.group(2) + " has type " + type + ", not a fixed-width type");
            }
            size = p;
            align = p;
          }
          int count = 1;
          if (m.group(3) != null) {
            String dim = m.group(3);
            count = dim.chars().allMatch(Character::isDigit) ? Integer.parseInt(dim) : defines.get(dim);
          }
          if (offset % align != 0) {
            throw new IllegalArgumentException(
                name + "." + m.group(2) + " at " + offset + " needs implicit padding");
          }
          fields.add(new String[] {m.group(2), String.valueOf(offset), String.valueOf(size * count)});
          offset += size * count;
          maxAlign = Math.max(maxAlign, align);
        }
        if (offset % maxAlign != 0) {
          throw new IllegalArgumentException(name + " needs implicit padding at its end");
        }
        b = StructLayout.struct(name, offset);
        for (String[] f : fields) {
          b.field(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2]));
        }
        layouts.put(name, b.build());
        aligns.put(name, maxAlign);
      }
      return layouts;
    }
  }
}
