// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The JNI libraries packaged into the jar, checked on any OS as {@code readelf -d -V --dyn-syms}
 * would: they must run on a bare glibc system of the documented age and implement exactly the
 * native methods NativeBpf declares.
 */
class LibraryFilesTest {
  /** The newest glibc symbol version the libraries may import: docs/ebpf.md states it. */
  private static final String GLIBC_FLOOR = "GLIBC_2.22";

  @ParameterizedTest
  @CsvSource({"linux-x86_64, 62, ld-linux-x86-64.so.2", "linux-aarch64, 183, ld-linux-aarch64.so.1"})
  void needsOnlyGlibc(String platform, int machine, String dynamicLoader) throws IOException {
    ElfFile elf = library(platform);

    assertThat(elf.machine()).isEqualTo(machine);
    assertThat(elf.needed()).containsOnly("libc.so.6", dynamicLoader).contains("libc.so.6");
    assertThat(elf.neededVersions())
        .allSatisfy(
            v -> {
              assertThat(v.file()).isIn("libc.so.6", dynamicLoader);
              assertThat(v.version()).matches("GLIBC_2\\.\\d+(\\.\\d+)?");
            });
  }

  @ParameterizedTest
  @CsvSource({"linux-x86_64", "linux-aarch64"})
  void runsOnGlibcOfTheDocumentedFloor(String platform) throws IOException {
    TreeSet<List<Integer>> versions = new TreeSet<>(LibraryFilesTest::compare);
    for (ElfFile.NeededVersion v : library(platform).neededVersions()) {
      versions.add(parse(v.version()));
    }

    assertThat(versions.last())
        .as("newest glibc symbol version of " + platform + "; raise docs/ebpf.md's floor too")
        .isEqualTo(parse(GLIBC_FLOOR));
  }

  @ParameterizedTest
  @CsvSource({"linux-x86_64", "linux-aarch64"})
  void exportsExactlyTheJniEntryPoints(String platform) throws IOException {
    Set<String> expected = new TreeSet<>(Set.of("JNI_OnLoad", "JNI_OnUnload"));
    for (Method m : NativeBpf.class.getDeclaredMethods()) {
      if (Modifier.isNative(m.getModifiers())) {
        expected.add(
            "Java_"
                + mangle(NativeBpf.class.getName()).replace('.', '_')
                + "_"
                + mangle(m.getName()));
      }
    }

    // Nothing of the statically linked libbpf, libelf or zlib may leak into the symbol space.
    assertThat(library(platform).exportedSymbols()).containsExactlyInAnyOrderElementsOf(expected);
  }

  private static ElfFile library(String platform) throws IOException {
    return new ElfFile(Feature.readResource("META-INF/native/" + platform + "/libobs_ebpf.so"));
  }

  /** JNI's short-name mangling for the ASCII identifiers NativeBpf uses. */
  private static String mangle(String name) {
    return name.replace("_", "_1");
  }

  private static List<Integer> parse(String glibcVersion) {
    return List.of(glibcVersion.substring("GLIBC_".length()).split("\\.")).stream()
        .map(Integer::parseInt)
        .collect(Collectors.toList());
  }

  private static int compare(List<Integer> a, List<Integer> b) {
    for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
      int c = Integer.compare(i < a.size() ? a.get(i) : 0, i < b.size() ? b.get(i) : 0);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }
}
