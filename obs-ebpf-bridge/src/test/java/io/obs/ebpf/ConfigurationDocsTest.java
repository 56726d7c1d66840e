// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.obs.internal.ConfigDocs;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Keeps the ebpf table of {@code docs/configuration.md} equal to the keys this module declares.
 * Run with {@code -Dobs.docs.update=true} to rewrite the table.
 */
class ConfigurationDocsTest {

  @Test
  void everyKeyIsDocumentedWithItsDefault() throws Exception {
    assertThat(ConfigDocs.check(Path.of("..", "docs", "configuration.md"), "ebpf", EbpfKeys.ALL,
        Boolean.getBoolean("obs.docs.update"))).isNull();
  }

  @Test
  void springBootMetadataListsEveryKey() throws Exception {
    java.util.List<io.obs.config.ConfigKey<?>> keys = new java.util.ArrayList<>();
    keys.add(io.obs.config.CoreKeys.moduleEnabled("ebpf"));
    keys.addAll(EbpfKeys.ALL);
    assertThat(io.obs.internal.ConfigDocs.checkFile(
            java.nio.file.Path.of("src", "main", "resources", "META-INF",
                "spring-configuration-metadata.json"),
            io.obs.internal.ConfigDocs.springMetadata(keys),
            Boolean.getBoolean("obs.docs.update")))
        .isNull();
  }
}
