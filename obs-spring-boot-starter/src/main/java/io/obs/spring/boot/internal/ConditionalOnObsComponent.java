// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.internal;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Conditional;

/**
 * Internal: not for use outside obs. Matches when the running obs has published a component of
 * the given type (a {@code PrometheusMeterRegistry} only when {@code metrics.exporter} scrapes).
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Conditional(ObsConditions.Component.class)
@interface ConditionalOnObsComponent {

  /** The component type. */
  Class<?> value();
}
