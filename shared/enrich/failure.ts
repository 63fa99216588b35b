import {
  KubeApiError,
  KubeConnectionError,
  KubeForbiddenError,
  KubeNotFoundError,
  KubeServerError,
  KubeTimeoutError,
  KubeUnauthorizedError,
} from "../cluster/errors.ts";
import { errorMessage } from "../errors.ts";

/** The RBAC enrichment needs, named in every 403 so the reader knows what to grant. */
export const ENRICHMENT_RBAC =
  "grant the enrichment role read access (infra/rbac.yaml: nodes get/list; pods, deployments, daemonsets, the dns-autoscaler ConfigMap get in kube-system)";

/**
 * One line naming why an API read failed. The cluster client's messages already name method, path and
 * status without secrets; this adds what to do for the failures a human can fix.
 */
export function describeReadFailure(what: string, error: unknown): string {
  if (error instanceof KubeForbiddenError) return `${what}: ${error.message}; ${ENRICHMENT_RBAC}`;
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

/** Runs a read and keeps its failure as a value, so one failed read never discards the others. */
export type Attempt<T> = { ok: true; value: T } | { ok: false; error: string };

export async function attempt<T>(what: string, read: () => Promise<T>): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (error) {
    return { ok: false, error: describeReadFailure(what, error) };
  }
}
