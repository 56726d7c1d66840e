// SPDX-License-Identifier: Apache-2.0
package io.obs.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.obs.internal.ConfigDocs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/configuration.md} true: its core table must equal the one generated from
 * {@link CoreKeys}. Run with {@code -Dobs.docs.update=true} to rewrite the table in place.
 */
class ConfigurationDocsTest {

  private static final Path DOC = Path.of("..", "docs", "configuration.md");

  @Test
  void everyCoreKeyIsDocumentedWithItsDefault() throws Exception {
    assertThat(ConfigDocs.check(DOC, "core", CoreKeys.ALL, Boolean.getBoolean("obs.docs.update")))
        .isNull();
  }

  @Test
  void theCompleteExampleIsValid() throws Exception {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    int start = doc.indexOf("```yaml\n");
    String yaml = doc.substring(start + "```yaml\n".length(), doc.indexOf("```", start + 7));

    ObsConfig config = io.obs.internal.ConfigLoader.load(new io.obs.internal.RuntimeRequest(
        null, yaml, java.util.Map.of(), java.util.Map.of(), java.util.Map.of(),
        java.util.List.of(), java.util.List.of(), java.util.List.of(), java.util.List.of(), false, null),
        CoreKeys.ALL);

    assertThat(config.get(CoreKeys.SERVICE_NAME)).isEqualTo("order-service");
    assertThat(config.get(CoreKeys.SERVICE_ENVIRONMENT)).isEqualTo("dev");
    assertThat(config.get(CoreKeys.METRICS_EXPORTER)).isEqualTo("both");
  }

  @Test
  void springBootMetadataListsEveryKey() throws Exception {
    java.util.List<io.obs.config.ConfigKey<?>> keys = new java.util.ArrayList<>();
    keys.addAll(CoreKeys.ALL);
    assertThat(io.obs.internal.ConfigDocs.checkFile(
            java.nio.file.Path.of("src", "main", "resources", "META-INF",
                "spring-configuration-metadata.json"),
            io.obs.internal.ConfigDocs.springMetadata(keys),
            Boolean.getBoolean("obs.docs.update")))
        .isNull();
  }
}
