// SPDX-License-Identifier: Apache-2.0

/**
 * obs in Spring Boot: add {@code io.obs:obs-spring-boot-starter} and obs starts with the
 * application, configured from {@code obs.yaml} and {@code obs.*} properties, with no code. The
 * starter's classes are all internal; applications use {@code io.obs.Observability} and the
 * beans it contributes ({@code OpenTelemetry}, {@code MeterRegistry}, {@code ObsMetrics}).
 *
 * @since 0.1.0
 */
@NullMarked
package io.obs.spring.boot;

import org.jspecify.annotations.NullMarked;
