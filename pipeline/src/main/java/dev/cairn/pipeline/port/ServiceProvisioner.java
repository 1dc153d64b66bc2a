package dev.cairn.pipeline.port;

import dev.cairn.pipeline.file.ServiceSpec;

/**
 * Provisions an environment's services (PostgreSQL, Redis) as long-lived managed processes with
 * persistent data; they outlive deployments, rollbacks and Cairn restarts.
 */
public interface ServiceProvisioner {
  /**
   * Makes sure the service exists and runs (creating its data and credentials the first time,
   * starting it if it is stopped, adopting it if it already runs) and returns how to reach it.
   */
  ServiceEndpoint ensure(String environment, ServiceSpec service);

  /**
   * Stops every service of this Cairn (data is kept): those this provisioner started or adopted,
   * and those an earlier Cairn process left running.
   */
  void stopAll();
}
