// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.it.order;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Async;
import org.springframework.stereotype.Component;

/** Work handed to Boot's task executor, which should still belong to the request's trace. */
@Component
public class Auditor {

  private static final Logger LOG = LoggerFactory.getLogger(Auditor.class);

  @Async
  public void audit(String orderId) {
    LOG.info("audited order {} on {}", orderId, Thread.currentThread().getName());
  }
}
