import { type Env, readInt, readRequired, readString } from "./env.ts";

export interface IngestConfig {
  /** The internal topic the sinks subscribe to. */
  internalTopicArn: string;
  /** Which alert label names the cluster. */
  clusterLabel: string;
  /** The EKS cluster to enrich from; alerts naming another cluster are not enriched. */
  defaultClusterName: string | null;
  /** Region of the EKS clusters (Lambda sets AWS_REGION). */
  region: string;
  /** Upper bound for one Kubernetes or EKS API call. */
  kubeTimeoutMs: number;
  /** Overall bound on enriching one group, whatever the per-call timeouts add up to. */
  enrichDeadlineMs: number;
}

/** The settings the Lambda and the CLI share for reading alerts and the cluster. */
export type ClusterReadConfig = Pick<IngestConfig, "clusterLabel" | "kubeTimeoutMs" | "enrichDeadlineMs">;

export function readClusterReadConfig(env: Env): ClusterReadConfig {
  return {
    clusterLabel: readString(env, "CLUSTER_LABEL") ?? "cluster",
    kubeTimeoutMs: readInt(env, "KUBE_TIMEOUT_MS", 5000, { min: 100, max: 60_000 }),
    enrichDeadlineMs: readInt(env, "ENRICH_DEADLINE_MS", 12_000, { min: 500, max: 300_000 }),
  };
}

export function readIngestConfig(env: Env): IngestConfig {
  return {
    ...readClusterReadConfig(env),
    internalTopicArn: readRequired(env, "INTERNAL_TOPIC_ARN"),
    defaultClusterName: readString(env, "EKS_CLUSTER_NAME") ?? null,
    region: readString(env, "AWS_REGION") ?? readRequired(env, "AWS_DEFAULT_REGION"),
  };
}
