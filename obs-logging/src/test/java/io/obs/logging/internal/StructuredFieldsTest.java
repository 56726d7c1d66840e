// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.obs.internal.redact.Detectors;
import io.obs.internal.redact.Redactor;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import net.logstash.logback.argument.StructuredArguments;
import net.logstash.logback.marker.Markers;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

class StructuredFieldsTest {

  private enum Size {
    LARGE
  }

  private final TextLimits limits =
      new TextLimits(
          Redactor.builder()
              .addDetectors(Detectors.builtIn(Detectors.NAMES))
              .addDenied(Redactor.DEFAULT_DENYLIST)
              .build(),
          100,
          "~");

  private StructuredFields collect(Object... arguments) {
    return StructuredFields.collect(arguments, null, null, limits);
  }

  @Test
  void commonArgumentsStayPlainJavaValues() {
    StructuredFields fields =
        collect(
            StructuredArguments.kv("text", new StringBuilder("hi")),
            StructuredArguments.kv("int", 42),
            StructuredArguments.kv("long", 7L),
            StructuredArguments.kv("double", 2.5),
            StructuredArguments.kv("flag", true),
            StructuredArguments.kv("none", null),
            StructuredArguments.kv("size", Size.LARGE));
    assertThat(fields.size()).isEqualTo(7);
    assertThat(fields.value(0)).isEqualTo("hi");
    assertThat(fields.value(1)).isEqualTo(42);
    assertThat(fields.value(2)).isEqualTo(7L);
    assertThat(fields.value(3)).isEqualTo(2.5);
    assertThat(fields.value(4)).isEqualTo(true);
    assertThat(fields.value(5)).isNull();
    assertThat(fields.value(6)).isEqualTo("LARGE");
  }

  @Test
  void otherValuesBecomeJacksonTrees() {
    StructuredFields fields =
        collect(
            StructuredArguments.kv("map", Map.of("a", 1)),
            StructuredArguments.kv("decimal", new BigDecimal("1.50")),
            StructuredArguments.raw("raw", "{\"n\":[1,2]}"));
    for (int i = 0; i < fields.size(); i++) {
      assertThat(fields.value(i)).isInstanceOf(JsonNode.class);
    }
    assertThat(StructuredFields.text(fields.value(0))).isEqualTo("{\"a\":1}");
    assertThat(StructuredFields.text(fields.value(1))).isEqualTo("1.5");
    assertThat(StructuredFields.text(fields.value(2))).isEqualTo("{\"n\":[1,2]}");
  }

  @Test
  void plainValuesReadAsTextLikeTheNodesTheyReplace() {
    assertThat(StructuredFields.text(42)).isEqualTo("42");
    assertThat(StructuredFields.text(1e300)).isEqualTo("1.0E300");
    assertThat(StructuredFields.text(false)).isEqualTo("false");
    assertThat(StructuredFields.text(null)).isEqualTo("null");
  }

  @Test
  void deniedNamesHideTheTextOfPlainValuesAndStringsAreRedacted() {
    StructuredFields fields =
        collect(
            StructuredArguments.kv("password", 1234),
            StructuredArguments.kv("api_key", null),
            StructuredArguments.kv("note", "mail bob@example.com"),
            StructuredArguments.kv("count", 3));
    assertThat(fields.value(0)).isEqualTo("****");
    assertThat(fields.value(1)).isEqualTo("****");
    assertThat(fields.value(2)).isEqualTo("mail ****");
    assertThat(fields.value(3)).isEqualTo(3);
  }

  @Test
  void aNameGivenTwiceKeepsItsFirstPlaceAndItsLastValue() {
    StructuredFields fields =
        StructuredFields.collect(
            new Object[] {StructuredArguments.kv("a", 1), StructuredArguments.kv("b", 2)},
            List.of(Markers.append("a", "marker")),
            List.of(new KeyValuePair("c", 3), new KeyValuePair("b", "pair")),
            limits);
    assertThat(fields.size()).isEqualTo(3);
    assertThat(List.of(fields.name(0), fields.name(1), fields.name(2)))
        .containsExactly("a", "b", "c");
    assertThat(fields.value(0)).isEqualTo("marker");
    assertThat(fields.value(1)).isEqualTo("pair");
    assertThat(fields.value(2)).isEqualTo(3);
  }

  @Test
  void anEventWithoutStructuredArgumentsSharesTheEmptyFields() {
    assertThat(collect("plain", 1).isEmpty()).isTrue();
    assertThat(StructuredFields.collect(null, null, null, limits))
        .isSameAs(StructuredFields.collect(new Object[0], List.of(), List.of(), limits));
  }
}
