import type { Deployment } from "../cluster/kube-objects.ts";

/**
 * Why the Deployment is mid-rollout, or null: kubectl's own test (generation not yet observed, replicas not
 * all updated, old replicas still terminating). Scaling then would race the controller's surge arithmetic
 * and blur which pods were new; unavailable pods alone are not a rollout and do not block scaling up.
 */
export function rolloutInProgress(deployment: Deployment): string | null {
  const generation = deployment.metadata.generation ?? 0;
  const status = deployment.status ?? {};
  const desired = deployment.spec?.replicas ?? 1;
  if ((status.observedGeneration ?? 0) < generation) {
    return `the Deployment controller has not yet observed generation ${generation}`;
  }
  const updated = status.updatedReplicas ?? 0;
  if (updated < desired) return `${updated} of ${desired} replicas run the current template`;
  const total = status.replicas ?? 0;
  if (total > updated) return `${total - updated} old replica(s) are still terminating`;
  return null;
}
