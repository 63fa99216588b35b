import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { KubeApi } from "../shared/cluster/kube-api.ts";
import { createKubeconfigKubeApi, loadMergedKubeconfig } from "../shared/cluster/kubeconfig.ts";
import type { Env } from "../shared/config/env.ts";
import { readClusterReadConfig } from "../shared/config/ingest-config.ts";
import { createClusterFactsCache, readEnrichConfig, selfManagedCoreDns } from "../shared/enrich/index.ts";
import { InputError } from "../shared/errors.ts";
import { type ClusterMap, singleClusterMap } from "../shared/fleet/cluster-map.ts";
import { clusterSourcesSet, readClusterMap } from "../shared/fleet/read-cluster-map.ts";
import {
  type ClusterConnection,
  clusterEnricher,
  eksConnector,
  type GroupEnricher,
  withoutClusterFacts,
} from "../shared/ingest/index.ts";
import { type AlertGroup, EnrichmentFailureReason } from "../shared/model/index.ts";
import {
  eksScaleConnector,
  readScaleConfig,
  type ScaleConnector,
  scaleUpPolicy,
} from "../shared/scale/index.ts";

/** Why replay enriched nothing, and what to give it: the reason of every alert and the finding's text. */
export const NO_CLUSTER =
  "replay has no cluster to read: give --kubeconfig PATH (or --context NAME), or --cluster NAME --region R; " +
  "neither KUBECONFIG nor EKS_CLUSTER_NAME is set and there is no ~/.kube/config";

export interface ClusterFlags {
  kubeconfig?: string;
  context?: string;
  cluster?: string;
  region?: string;
  /** `LABEL=CONTEXT`, repeatable: which kubeconfig context reaches the cluster an alert's label names. */
  "cluster-context"?: string[];
  /** The operator's word that CoreDNS is not an EKS add-on, for a kubeconfig that cannot ask EKS. */
  "self-managed-coredns"?: boolean;
}

export interface ClusterAccess {
  enrich: GroupEnricher;
  describe: string;
  scale: ScaleConnector;
}

/**
 * Which clusters `replay` enriches from (and the scaler reads and writes): EKS clusters through the AWS API
 * (--cluster, CLUSTERS, CLUSTERS_PARAMETER or EKS_CLUSTER_NAME), kubeconfig contexts (--kubeconfig, --context,
 * --cluster-context, or KUBECONFIG), or none.
 */
export async function enricherFor(flags: ClusterFlags, env: Env): Promise<ClusterAccess> {
  const { kubeTimeoutMs: timeoutMs, enrichDeadlineMs } = readClusterReadConfig(env);
  const options = {
    cache: createClusterFactsCache({ ttlMs: readEnrichConfig(env).clusterFactsTtlMs }),
    deadlineMs: enrichDeadlineMs,
    // Scale-up fixes propose the number the scaler would write (COREDNS_SCALE_STEP, COREDNS_MAX_REPLICAS).
    scaleUp: scaleUpPolicy(readScaleConfig(env)),
  };
  const kubeconfigChosen = Boolean(flags.kubeconfig || flags.context || flags["cluster-context"]?.length);
  const region = flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (flags.cluster || (!kubeconfigChosen && clusterSourcesSet(env).length > 0)) {
    if (!region)
      throw new InputError(`${flags.cluster ? "--cluster" : "CLUSTERS"} needs --region (or AWS_REGION)`);
    const clusters = flags.cluster
      ? singleClusterMap(flags.cluster, region)
      : ((await readClusterMap(env, { region })) as ClusterMap);
    const connect = eksConnector({ clusters, region, timeoutMs });
    const scale = eksScaleConnector({ clusters, region, timeoutMs });
    // --cluster: the operator named the cluster, so a group of one cluster is read from it whatever its label
    // says; one cluster's share of a message that named several is read only from the cluster it names.
    const forced = (group: AlertGroup) =>
      flags.cluster && !group.source.splitFrom ? { ...group, cluster: flags.cluster } : group;
    return {
      enrich: clusterEnricher((group) => connect(forced(group)), options),
      describe: flags.cluster
        ? `EKS cluster ${flags.cluster} in ${region}`
        : `${clusters.entries.size} EKS clusters (${clusters.source})`,
      scale: (group) => scale(forced(group)),
    };
  }
  // Like kubectl: with no flag and no KUBECONFIG, ~/.kube/config when there is one.
  const defaultKubeconfig = join(env.HOME ?? homedir(), ".kube", "config");
  if (kubeconfigChosen || env.KUBECONFIG || existsSync(defaultKubeconfig)) {
    const connect = kubeconfigConnector(flags, env, timeoutMs);
    return {
      enrich: clusterEnricher(connect, options),
      describe: `kubeconfig context ${flags.context ?? "(current)"}`,
      // No EKS add-on control through a kubeconfig: an add-on-owned CoreDNS is refused, not guessed.
      scale: (group) => {
        const connection = connect(group);
        return typeof connection === "string" ? connection : { name: connection.name, kube: connection.kube };
      },
    };
  }
  return {
    enrich: async (group) => withoutClusterFacts(group, NO_CLUSTER, EnrichmentFailureReason.off),
    describe: "no cluster (alerts are not enriched)",
    scale: () => "no cluster to scale: give --kubeconfig, --context or --cluster",
  };
}

/**
 * Kubeconfig contexts per cluster: `--cluster-context LABEL=CONTEXT`, else a context named like the alert's
 * cluster label. A group of one cluster with neither uses --context (or the current context), as a single
 * cluster always did; one cluster's share of a message that named several is never read from another
 * cluster's context: without its own it is not enriched, and says which flag to give.
 */
function kubeconfigConnector(
  flags: ClusterFlags,
  env: Env,
  timeoutMs: number,
): (group: AlertGroup) => ClusterConnection | string {
  const explicit = parseClusterContexts(flags["cluster-context"] ?? []);
  const kubeconfig = loadMergedKubeconfig({ path: flags.kubeconfig, env });
  for (const [label, context] of explicit) {
    if (!kubeconfig.contexts.has(context))
      throw new InputError(
        `--cluster-context ${label}=${context}: the kubeconfig has no context "${context}"`,
      );
  }
  const addon = flags["self-managed-coredns"] ? selfManagedCoreDns : undefined;
  const clients = new Map<string, KubeApi>();
  const connection = (context: string | undefined): ClusterConnection => {
    const key = context ?? "";
    let kube = clients.get(key);
    if (!kube) {
      kube = createKubeconfigKubeApi({ path: flags.kubeconfig, context, env, timeoutMs });
      clients.set(key, kube);
    }
    return { name: context ?? kubeconfig.currentContext ?? "kubeconfig", kube, addon };
  };
  // Without --cluster-context every group of one cluster uses this context: an unusable one fails now (exit 2).
  if (explicit.size === 0) connection(flags.context);
  return (group) => {
    const label = group.cluster;
    const named =
      label === null
        ? undefined
        : (explicit.get(label) ?? (kubeconfig.contexts.has(label) ? label : undefined));
    if (named) return connection(named);
    if (group.source.splitFrom) {
      const which = label === null ? "alerts without a cluster label" : `cluster "${label}"`;
      return `the message named several clusters and ${which} has no kubeconfig context of its name; give --cluster-context ${label ?? "LABEL"}=CONTEXT`;
    }
    return connection(flags.context);
  };
}

function parseClusterContexts(pairs: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0 || at === pair.length - 1)
      throw new InputError(
        `--cluster-context takes LABEL=CONTEXT (the cluster label's value, a kubeconfig context), got "${pair}"`,
      );
    map.set(pair.slice(0, at), pair.slice(at + 1));
  }
  return map;
}
