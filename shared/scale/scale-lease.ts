/**
 * The scaler's cooldown record and lock: a coordination.k8s.io Lease that infra/rbac.yaml creates and that only
 * the scalers group may write (by name). Kept apart from the coredns Deployment so the scaler needs no write
 * right on the Deployment itself, only on its scale subresource. The Lease's resourceVersion is the lock: a
 * concurrent scaler that read the same version gets 409 on its claim and re-decides.
 */
export const SCALE_LEASE = {
  namespace: "kube-system",
  name: "linklocal-sentinel-coredns-scale",
} as const;

export const SCALE_LEASE_PATH = `/apis/coordination.k8s.io/v1/namespaces/${SCALE_LEASE.namespace}/leases/${SCALE_LEASE.name}`;

/** The Lease is missing: the manifest that creates it (and the scaler's rights on it) was not applied. */
export class ScaleLeaseMissingError extends Error {
  constructor() {
    super(
      `the Lease ${SCALE_LEASE.namespace}/${SCALE_LEASE.name} that holds the scaler's cooldown does not exist: ` +
        "kubectl apply -f infra/rbac.yaml creates it",
    );
    this.name = "ScaleLeaseMissingError";
  }
}
