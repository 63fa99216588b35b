import { type Env, readInt, readRequired, readString } from "./env.ts";

export interface IngestConfig {
  /** The internal topic the sinks subscribe to. */
  internalTopicArn: string;
  /** Which alert label names the cluster. */
  clusterLabel: string;
  /** The EKS cluster to enrich from when an alert names none. */
  defaultClusterName: string | null;
  region: string | null;
  /** Upper bound for one Kubernetes or EKS API call. */
  kubeTimeoutMs: number;
}

export function readIngestConfig(env: Env): IngestConfig {
  return {
    internalTopicArn: readRequired(env, "INTERNAL_TOPIC_ARN"),
    clusterLabel: readString(env, "CLUSTER_LABEL") ?? "cluster",
    defaultClusterName: readString(env, "EKS_CLUSTER_NAME") ?? null,
    region: readString(env, "AWS_REGION") ?? null,
    kubeTimeoutMs: readInt(env, "KUBE_TIMEOUT_MS", 5000, { min: 100, max: 60_000 }),
  };
}
