/**
 * The narrow Kubernetes API surface enrichment and the scaler need. Implemented over plain HTTPS
 * (shared/cluster/http-kube-client.ts) because a full client library costs ~2 MB of cold start.
 */

export interface KubeGetOptions {
  /** Query parameters: labelSelector, fieldSelector, limit, continue... */
  query?: Record<string, string | undefined>;
  /** Accept header, e.g. the Table form `application/json;as=Table;v=v1;g=meta.k8s.io`. */
  accept?: string;
}

export interface KubePatchOptions {
  /** e.g. application/merge-patch+json or application/strategic-merge-patch+json */
  contentType: string;
}

/** Requests made and response bytes received, for the benchmark and for logs. */
export interface KubeTrafficStats {
  requests: number;
  bytes: number;
}

export interface KubeApi {
  /** GET an API path (e.g. `/api/v1/nodes`); resolves with the parsed JSON body or rejects with a KubeApiError. */
  get<T = unknown>(path: string, options?: KubeGetOptions): Promise<T>;
  patch<T = unknown>(path: string, body: unknown, options: KubePatchOptions): Promise<T>;
  readonly stats: KubeTrafficStats;
}
