// SPDX-License-Identifier: Apache-2.0
package io.obs.examples.shop.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocBlocksTest {

  @Test
  void blocksCarryTheDirectiveOfTheCommentBeforeThem() {
    String markdown = "# t\n\n<!-- check: obs.yaml -->\n```yaml\na: 1\n```\n\ntext\n\n```bash\nls\n```\n";

    List<DocBlocks.Block> blocks = DocBlocks.parse("p.md", markdown);

    assertThat(blocks).hasSize(2);
    assertThat(blocks.get(0).directive()).isEqualTo("check");
    assertThat(blocks.get(0).argument()).isEqualTo("obs.yaml");
    assertThat(blocks.get(0).text()).isEqualTo("a: 1\n");
    assertThat(blocks.get(0).where()).isEqualTo("p.md:4"); // the opening fence
    assertThat(blocks.get(1).directive()).isNull();
  }

  @Test
  void regionIsTheTaggedLinesWithoutOtherTagsAndDedented(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("A.java");
    Files.writeString(file, "class A {\n  // tag::x[]\n  int a;\n  // tag::y[]\n  int b;\n"
        + "  // end::y[]\n\n  int c;\n  // end::x[]\n}\n");

    assertThat(DocBlocks.region(file, "x")).isEqualTo("int a;\nint b;\n\nint c;\n");
    assertThat(DocBlocks.region(file, "y")).isEqualTo("int b;\n");
    assertThatThrownBy(() -> DocBlocks.region(file, "z")).hasMessageContaining("tag::z[]");
  }
}
