// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.obs.config.CoreKeys;
import io.obs.config.ObsConfig;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.resources.Resource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResourceFactoryTest {

  private static final String ID = "3f4e1b2c9a8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f";

  @Test
  void serviceProcessRuntimeAndSdkAttributesAreDetected(@TempDir Path proc) {
    Resource resource = create(proc, "service:\n  name: shop\n  version: 1.2.3\n"
        + "  namespace: retail\n  environment: prod\n", Map.of());

    assertThat(get(resource, "service.name")).isEqualTo("shop");
    assertThat(get(resource, "service.version")).isEqualTo("1.2.3");
    assertThat(get(resource, "service.namespace")).isEqualTo("retail");
    assertThat(get(resource, "deployment.environment.name")).isEqualTo("prod");
    assertThat(get(resource, "os.type")).isEqualTo("linux");
    assertThat(get(resource, "host.arch")).isEqualTo("amd64");
    assertThat(get(resource, "process.runtime.name")).isEqualTo("OpenJDK Runtime Environment");
    assertThat(resource.getAttribute(AttributeKey.longKey("process.pid")))
        .isEqualTo(ProcessHandle.current().pid());
    assertThat(get(resource, "telemetry.sdk.language")).isEqualTo("java");
    assertThat(get(resource, "telemetry.distro.name")).isEqualTo("obs");
  }

  @Test
  void hostNameComesFromTheKernel(@TempDir Path proc) throws Exception {
    Files.createDirectories(proc.resolve("sys/kernel"));
    Files.writeString(proc.resolve("sys/kernel/hostname"), "node-7\n");

    assertThat(get(create(proc, "", Map.of()), "host.name")).isEqualTo("node-7");
  }

  @Test
  void containerIdComesFromCgroupV1(@TempDir Path proc) throws Exception {
    Files.createDirectories(proc.resolve("self"));
    Files.writeString(proc.resolve("self/cgroup"),
        "12:pids:/kubepods/burstable/pod1/" + ID + "\n0::/\n");

    assertThat(get(create(proc, "", Map.of()), "container.id")).isEqualTo(ID);
  }

  @Test
  void containerIdComesFromMountinfoOnCgroupV2(@TempDir Path proc) throws Exception {
    Files.createDirectories(proc.resolve("self"));
    Files.writeString(proc.resolve("self/cgroup"), "0::/\n");
    Files.writeString(proc.resolve("self/mountinfo"),
        "1 2 0:1 /var/lib/docker/containers/" + ID + "/hostname /etc/hostname rw - ext4 x rw\n");

    assertThat(get(create(proc, "", Map.of()), "container.id")).isEqualTo(ID);
  }

  @Test
  void noContainerIdOutsideContainers(@TempDir Path proc) throws Exception {
    Files.createDirectories(proc.resolve("self"));
    Files.writeString(proc.resolve("self/cgroup"), "0::/user.slice/user-0.slice/session-1.scope\n");

    assertThat(get(create(proc, "", Map.of()), "container.id")).isNull();
  }

  @Test
  void kubernetesAttributesComeFromDownwardApiVariables(@TempDir Path proc) {
    Resource resource = create(proc, "", Map.of(
        "K8S_POD_NAME", "shop-7d9f", "POD_NAMESPACE", "retail", "K8S_NODE_NAME", "node-1"));

    assertThat(get(resource, "k8s.pod.name")).isEqualTo("shop-7d9f");
    assertThat(get(resource, "k8s.namespace.name")).isEqualTo("retail");
    assertThat(get(resource, "k8s.node.name")).isEqualTo("node-1");
  }

  @Test
  void userAttributesWinOverDetectedOnes(@TempDir Path proc) {
    Resource resource = create(proc,
        "resource:\n  attributes:\n    host.name: pinned\n    team: payments\n", Map.of());

    assertThat(get(resource, "host.name")).isEqualTo("pinned");
    assertThat(get(resource, "team")).isEqualTo("payments");
  }

  @Test
  void unknownSystemPropertiesLeaveAttributesOutRatherThanEmpty(@TempDir Path proc) {
    ObsConfig config = ConfigLoader.load(new RuntimeRequest(null, "", Map.of(), Map.of(),
        Map.of(), List.of(), List.of(), List.of(), List.of(), false, null), CoreKeys.ALL);

    Resource resource = new ResourceFactory(proc).create(config, Map.of(), Map.of());

    assertThat(resource.getAttributes().asMap().keySet()).extracting(AttributeKey::getKey)
        .doesNotContain("os.description", "host.arch", "os.type", "process.runtime.name");
  }

  @Test
  void architectureAndOsNamesFollowSemanticConventions() {
    assertThat(ResourceFactory.arch("x86_64")).isEqualTo("amd64");
    assertThat(ResourceFactory.arch("aarch64")).isEqualTo("arm64");
    assertThat(ResourceFactory.osType("Mac OS X")).isEqualTo("darwin");
    assertThat(ResourceFactory.osType("Windows 11")).isEqualTo("windows");
  }

  private static Resource create(Path proc, String yaml, Map<String, String> env) {
    Map<String, String> properties = Map.of(
        "os.name", "Linux", "os.arch", "amd64", "os.version", "6.18",
        "java.runtime.name", "OpenJDK Runtime Environment", "java.runtime.version", "17.0.15");
    ObsConfig config = ConfigLoader.load(new RuntimeRequest(null, yaml, Map.of(), env, properties,
        List.of(), List.of(), List.of(), List.of(), false, null), CoreKeys.ALL);
    return new ResourceFactory(proc).create(config, env, properties);
  }

  private static String get(Resource resource, String key) {
    return resource.getAttribute(AttributeKey.stringKey(key));
  }
}
