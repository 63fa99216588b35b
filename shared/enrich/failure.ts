import {
  EksClusterError,
  KubeApiError,
  KubeConnectionError,
  KubeCredentialsError,
  KubeForbiddenError,
  KubeNotFoundError,
  KubeServerError,
  KubeTimeoutError,
  KubeUnauthorizedError,
} from "../cluster/errors.ts";
import { errorMessage } from "../errors.ts";
import { EnrichmentFailureReason } from "../model/index.ts";

/** The RBAC enrichment needs, named in every 403 so the reader knows what to grant. */
export const ENRICHMENT_RBAC =
  "grant the enrichment role read access (infra/rbac.yaml: nodes get/list; pods list, deployments get/list, the dns-autoscaler ConfigMap get in kube-system)";

/** Pods outside kube-system are read only with the opt-in ClusterRole; a 403 there says so plainly. */
export const CLUSTER_WIDE_PODS_RBAC =
  "pods outside kube-system cannot be read: listing them cluster-wide is opt-in (kubectl apply -f infra/rbac-cluster-pods.yaml)";

function readsPodsOutsideKubeSystem(path: string): boolean {
  const route = path.split("?")[0] ?? "";
  return route === "/api/v1/pods" || /^\/api\/v1\/namespaces\/(?!kube-system\/)[^/]+\/pods$/.test(route);
}

/**
 * One line naming why an API read failed. The cluster client's messages already name method, path and
 * status without secrets; this adds what to do for the failures a human can fix.
 */
export function describeReadFailure(what: string, error: unknown): string {
  if (error instanceof KubeForbiddenError) {
    const hint = readsPodsOutsideKubeSystem(error.path) ? CLUSTER_WIDE_PODS_RBAC : ENRICHMENT_RBAC;
    return `${what}: ${error.message}; ${hint}`;
  }
  if (error instanceof KubeNotFoundError)
    return `${what}: ${error.message}; is the cluster name or endpoint right?`;
  if (
    error instanceof KubeUnauthorizedError ||
    error instanceof KubeTimeoutError ||
    error instanceof KubeServerError ||
    error instanceof KubeConnectionError ||
    error instanceof KubeApiError
  ) {
    return `${what}: ${error.message}`;
  }
  return `${what}: ${errorMessage(error)}`;
}

/** What kind of failure it was, from its type: the metric's `reason`, and what an operator fixes. */
export function failureReasonOf(error: unknown): EnrichmentFailureReason {
  if (error instanceof KubeForbiddenError) return EnrichmentFailureReason.forbidden;
  if (error instanceof KubeUnauthorizedError || error instanceof KubeCredentialsError)
    return EnrichmentFailureReason.unauthorized;
  if (error instanceof KubeTimeoutError) return EnrichmentFailureReason.timeout;
  if (error instanceof KubeConnectionError || error instanceof KubeServerError)
    return EnrichmentFailureReason.unreachable;
  // EKS API calls (DescribeCluster, DescribeAddon) fail with the SDK's errors, named by AWS.
  const aws = error instanceof EksClusterError ? error.cause : error;
  const name = (aws as { name?: unknown } | null)?.name;
  if (name === "AccessDeniedException" || name === "UnauthorizedException")
    return EnrichmentFailureReason.forbidden;
  if (name === "TimeoutError" || name === "RequestTimeout") return EnrichmentFailureReason.timeout;
  if (error instanceof EksClusterError) return EnrichmentFailureReason.unreachable;
  return EnrichmentFailureReason.other;
}

/** A read that failed: its one line for humans, and its kind. */
export interface ReadFailure {
  message: string;
  reason: EnrichmentFailureReason;
}

export function readFailure(what: string, error: unknown): ReadFailure {
  return { message: describeReadFailure(what, error), reason: failureReasonOf(error) };
}

/** Runs a read and keeps its failure as a value, so one failed read never discards the others. */
export type Attempt<T> = { ok: true; value: T } | ({ ok: false } & ReadFailure);

export async function attempt<T>(what: string, read: () => Promise<T>): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (error) {
    return { ok: false, ...readFailure(what, error) };
  }
}
