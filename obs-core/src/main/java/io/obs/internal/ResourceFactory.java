// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import io.obs.config.CoreKeys;
import io.obs.config.ObsConfig;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.resources.Resource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. Builds the resource: detected host, OS, process, runtime,
 * container and Kubernetes attributes, then the configured service attributes, then the user's
 * attributes, each layer winning over the one before.
 */
public final class ResourceFactory {

  static final String DISTRO_NAME = "obs";

  /** Compiled when detection runs, on the start thread, not when init() creates the factory. */
  private static final class ContainerPatterns {
    static final Pattern CGROUP = Pattern.compile("([0-9a-f]{64})");
    static final Pattern MOUNTINFO =
        Pattern.compile("/(?:docker/containers|containers|sandboxes)/([0-9a-f]{64})/");
  }

  // The downward API lets a Deployment expose pod fields under any name; these are the names
  // docs/deployment.md uses, with the common alternatives.
  private static final Map<String, List<String>> KUBERNETES_VARIABLES =
      Map.of(
          "k8s.pod.name", List.of("K8S_POD_NAME", "POD_NAME"),
          "k8s.namespace.name", List.of("K8S_NAMESPACE_NAME", "POD_NAMESPACE"),
          "k8s.node.name", List.of("K8S_NODE_NAME", "NODE_NAME"),
          "k8s.pod.uid", List.of("K8S_POD_UID", "POD_UID"));

  private final Path procRoot;

  ResourceFactory(Path procRoot) {
    this.procRoot = procRoot;
  }

  /** Reads container facts from the real {@code /proc}. */
  public static ResourceFactory forThisProcess() {
    return new ResourceFactory(Path.of("/proc"));
  }

  /** The resource for a configuration: what {@link #detect} finds, then the configuration's. */
  Resource create(ObsConfig config, Map<String, String> environment,
      Map<String, String> systemProperties) {
    return create(config, detect(environment, systemProperties));
  }

  /**
   * What needs no configuration: the SDK's defaults ({@code telemetry.sdk.*}), host, OS,
   * process, runtime, container and Kubernetes attributes. Runs on the start thread while
   * {@code init()} reads the configuration.
   */
  Resource detect(Map<String, String> environment, Map<String, String> systemProperties) {
    AttributesBuilder detected = Attributes.builder();
    putIfPresent(detected, "host.name", hostName(environment));
    putIfPresent(detected, "host.arch", arch(systemProperties.getOrDefault("os.arch", "")));
    putIfPresent(detected, "os.type", osType(systemProperties.getOrDefault("os.name", "")));
    String osName = systemProperties.get("os.name");
    if (osName != null) {
      putIfPresent(detected, "os.description",
          osName + " " + systemProperties.getOrDefault("os.version", ""));
    }
    detected.put("process.pid", ProcessHandle.current().pid());
    putIfPresent(detected, "process.runtime.name", systemProperties.get("java.runtime.name"));
    putIfPresent(detected, "process.runtime.version",
        systemProperties.get("java.runtime.version"));
    putIfPresent(detected, "process.runtime.description",
        systemProperties.getOrDefault("java.vm.vendor", "") + " "
            + systemProperties.getOrDefault("java.vm.name", "") + " "
            + systemProperties.getOrDefault("java.vm.version", ""));
    putIfPresent(detected, "container.id", containerId());
    KUBERNETES_VARIABLES.forEach((attribute, variables) -> {
      for (String variable : variables) {
        String value = environment.get(variable);
        if (value != null && !value.isBlank()) {
          detected.put(attribute, value);
          break;
        }
      }
    });
    detected.put("telemetry.distro.name", DISTRO_NAME);
    putIfPresent(detected, "telemetry.distro.version", ObsVersion.VERSION);
    return Resource.getDefault().merge(Resource.create(detected.build()));
  }

  /**
   * The detected resource with the configuration's attributes over it: {@code
   * resource.attributes}, then {@code service.*}, which win.
   */
  Resource create(ObsConfig config, Resource detected) {
    AttributesBuilder service = Attributes.builder();
    service.put("service.name", config.get(CoreKeys.SERVICE_NAME));
    config.find(CoreKeys.SERVICE_VERSION).ifPresent(v -> service.put("service.version", v));
    config.find(CoreKeys.SERVICE_NAMESPACE).ifPresent(v -> service.put("service.namespace", v));
    config.find(CoreKeys.SERVICE_ENVIRONMENT)
        .ifPresent(v -> service.put("deployment.environment.name", v));

    AttributesBuilder user = Attributes.builder();
    config.get(CoreKeys.RESOURCE_ATTRIBUTES).forEach(user::put);

    // service.name set explicitly beats both the SDK default and a service.name in
    // resource.attributes, as OTEL_SERVICE_NAME does in the SDK.
    return detected
        .merge(Resource.create(user.build()))
        .merge(Resource.create(service.build()));
  }

  private static void putIfPresent(AttributesBuilder builder, String key, @Nullable String value) {
    if (value != null && !value.isBlank() && !value.equals("null")) {
      builder.put(key, value.trim());
    }
  }

  private @Nullable String hostName(Map<String, String> environment) {
    // The kernel's hostname file is instant; InetAddress.getLocalHost() may wait for DNS.
    String fromProc = readFirstLine(procRoot.resolve("sys/kernel/hostname"));
    if (fromProc != null) {
      return fromProc;
    }
    String fromEnv = environment.getOrDefault("HOSTNAME", environment.get("COMPUTERNAME"));
    return fromEnv;
  }

  @Nullable
  String containerId() {
    String cgroup = read(procRoot.resolve("self/cgroup"));
    if (cgroup != null) {
      for (String line : cgroup.split("\n")) {
        Matcher matcher = ContainerPatterns.CGROUP.matcher(line.substring(line.lastIndexOf('/') + 1));
        if (line.contains("/") && matcher.find()) {
          return matcher.group(1);
        }
      }
    }
    String mountinfo = read(procRoot.resolve("self/mountinfo"));
    if (mountinfo != null) {
      Matcher matcher = ContainerPatterns.MOUNTINFO.matcher(mountinfo);
      if (matcher.find()) {
        return matcher.group(1);
      }
    }
    return null;
  }

  static String arch(String osArch) {
    return switch (osArch.toLowerCase(Locale.ROOT)) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      case "x86", "i386", "i686" -> "x86";
      case "ppc64le" -> "ppc64";
      case "s390x" -> "s390x";
      default -> osArch.toLowerCase(Locale.ROOT);
    };
  }

  static String osType(String osName) {
    String lower = osName.toLowerCase(Locale.ROOT);
    if (lower.startsWith("linux")) {
      return "linux";
    }
    if (lower.startsWith("windows")) {
      return "windows";
    }
    if (lower.startsWith("mac")) {
      return "darwin";
    }
    if (lower.contains("freebsd")) {
      return "freebsd";
    }
    return lower.replace(' ', '_');
  }

  private static @Nullable String read(Path file) {
    try {
      return Files.isReadable(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static @Nullable String readFirstLine(Path file) {
    String text = read(file);
    if (text == null) {
      return null;
    }
    String line = text.strip();
    return line.isEmpty() ? null : line;
  }
}
