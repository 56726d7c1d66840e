// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.internal;

import io.obs.Observability;
import io.obs.config.CoreKeys;
import java.util.Map;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Internal: not for use outside obs. Conditions on the running obs's state. */
final class ObsConditions {

  private ObsConditions() {}

  /** The running obs, started from the context's environment if nothing started it yet. */
  static Observability obs(ConditionContext context) {
    return ObsStarter.obtain((ConfigurableEnvironment) context.getEnvironment());
  }

  /**
   * Whether obs instruments HTTP servers and clients itself: when its tracing module is on. Then
   * Spring's own HTTP observations are left out, so each request has one server span and one
   * duration histogram, not two.
   */
  static boolean instrumentsHttp(Observability obs) {
    return obs.config().get(CoreKeys.moduleEnabled("tracing"));
  }

  /** {@link ConditionalOnObsComponent}. */
  static final class Component implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      Map<String, Object> attributes =
          metadata.getAnnotationAttributes(ConditionalOnObsComponent.class.getName());
      if (attributes == null) {
        return false;
      }
      Class<?> type = (Class<?>) attributes.get("value");
      return ObsComponents.published(obs(context), type).isPresent();
    }
  }

  /** obs's HTTP server and client instrumentation is on ({@link #instrumentsHttp}). */
  static final class HttpInstrumentation implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      return instrumentsHttp(obs(context));
    }
  }

  /** obs publishes a Micrometer registry besides the Prometheus one. */
  static final class OtherRegistry implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      return ObsComponents.otherRegistry(obs(context)) != null;
    }
  }
}
