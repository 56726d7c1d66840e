// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.internal;

import io.obs.Observability;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.util.ClassUtils;

/**
 * Internal: not for use outside obs. Instruments the HTTP clients an application gets from Spring:
 * every {@code RestClient.Builder} and {@code WebClient.Builder} Boot hands out (they are
 * prototype beans, so each injection passes through here) and every {@code RestTemplate} bean. A
 * client built with {@code RestClient.create()} or {@code new RestTemplate()} outside Spring is not
 * seen; docs/spring-boot.md says so.
 */
final class ObsHttpClientPostProcessor implements BeanPostProcessor {

  private static final ClassLoader LOADER = ObsHttpClientPostProcessor.class.getClassLoader();
  private static final boolean REST_CLIENT =
      ClassUtils.isPresent("org.springframework.web.client.RestClient", LOADER);
  private static final boolean REST_TEMPLATE =
      ClassUtils.isPresent("org.springframework.web.client.RestTemplate", LOADER);
  private static final boolean WEB_CLIENT = ClassUtils.isPresent(
      "org.springframework.web.reactive.function.client.WebClient", LOADER);

  private final ObjectProvider<Observability> obs;

  ObsHttpClientPostProcessor(ObjectProvider<Observability> obs) {
    this.obs = obs;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (REST_CLIENT && ServletClients.isRestClientBuilder(bean)) {
      ServletClients.instrument((org.springframework.web.client.RestClient.Builder) bean,
          obs.getObject());
    } else if (REST_TEMPLATE && ServletClients.isRestTemplate(bean)) {
      ServletClients.instrument((org.springframework.web.client.RestTemplate) bean,
          obs.getObject());
    } else if (WEB_CLIENT && ReactiveClients.isWebClientBuilder(bean)) {
      ReactiveClients.instrument(
          (org.springframework.web.reactive.function.client.WebClient.Builder) bean,
          obs.getObject());
    }
    return bean;
  }

  /** Blocking clients, in a class of their own so that WebFlux-only applications never load it. */
  static final class ServletClients {
    private ServletClients() {}

    static boolean isRestClientBuilder(Object bean) {
      return bean instanceof org.springframework.web.client.RestClient.Builder;
    }

    static boolean isRestTemplate(Object bean) {
      return bean instanceof org.springframework.web.client.RestTemplate;
    }

    static void instrument(org.springframework.web.client.RestClient.Builder builder,
        Observability obs) {
      builder.requestInterceptors(interceptors -> {
        if (interceptors.stream().noneMatch(i -> i instanceof ObsClientHttpRequestInterceptor)) {
          interceptors.add(0, new ObsClientHttpRequestInterceptor(obs));
        }
      });
    }

    static void instrument(org.springframework.web.client.RestTemplate template,
        Observability obs) {
      if (template.getInterceptors().stream()
          .noneMatch(i -> i instanceof ObsClientHttpRequestInterceptor)) {
        template.getInterceptors().add(0, new ObsClientHttpRequestInterceptor(obs));
      }
    }
  }

  /** WebClient, in a class of its own so that servlet applications never load Reactor. */
  static final class ReactiveClients {
    private ReactiveClients() {}

    static boolean isWebClientBuilder(Object bean) {
      return bean instanceof org.springframework.web.reactive.function.client.WebClient.Builder;
    }

    static void instrument(org.springframework.web.reactive.function.client.WebClient.Builder builder,
        Observability obs) {
      builder.filters(filters -> {
        if (filters.stream().noneMatch(f -> f instanceof ObsExchangeFilterFunction)) {
          filters.add(0, new ObsExchangeFilterFunction(obs));
        }
      });
    }
  }
}
