import { createKubeconfigKubeApi } from "../shared/cluster/kubeconfig.ts";
import type { Env } from "../shared/config/env.ts";
import { readClusterReadConfig } from "../shared/config/ingest-config.ts";
import { createClusterFactsCache, readEnrichConfig, selfManagedCoreDns } from "../shared/enrich/index.ts";
import { InputError } from "../shared/errors.ts";
import {
  clusterEnricher,
  eksConnector,
  type GroupEnricher,
  withoutEnrichment,
} from "../shared/ingest/index.ts";
import { eksScaleConnector, type ScaleConnector } from "../shared/scale/index.ts";

export interface ClusterFlags {
  kubeconfig?: string;
  context?: string;
  cluster?: string;
  region?: string;
  /** The operator's word that CoreDNS is not an EKS add-on, for a kubeconfig that cannot ask EKS. */
  "self-managed-coredns"?: boolean;
}

/**
 * Which cluster `replay` enriches from (and the scaler reads and writes): an EKS cluster through the AWS API (--cluster, or EKS_CLUSTER_NAME),
 * a kubeconfig (--kubeconfig, --context, or KUBECONFIG), or none.
 */
export function enricherFor(
  flags: ClusterFlags,
  env: Env,
): { enrich: GroupEnricher; describe: string; scale: ScaleConnector } {
  const { kubeTimeoutMs: timeoutMs, enrichDeadlineMs } = readClusterReadConfig(env);
  const options = {
    cache: createClusterFactsCache({ ttlMs: readEnrichConfig(env).clusterFactsTtlMs }),
    deadlineMs: enrichDeadlineMs,
  };
  const eksName =
    flags.cluster ?? (flags.kubeconfig || flags.context ? undefined : env.EKS_CLUSTER_NAME?.trim());
  if (eksName) {
    const region = flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (!region) throw new InputError("--cluster needs --region (or AWS_REGION)");
    const connect = eksConnector({ region, defaultCluster: eksName, timeoutMs });
    const scale = eksScaleConnector({ region, defaultCluster: eksName, timeoutMs });
    // The operator named the cluster explicitly: enrich from it whatever the alert's cluster label says.
    return {
      enrich: clusterEnricher((group) => connect({ ...group, cluster: eksName }), options),
      describe: `EKS cluster ${eksName} in ${region}`,
      scale: (group) => scale({ ...group, cluster: eksName }),
    };
  }
  if (flags.kubeconfig || flags.context || env.KUBECONFIG) {
    const kube = createKubeconfigKubeApi({ path: flags.kubeconfig, context: flags.context, env, timeoutMs });
    const name = flags.context ?? "kubeconfig";
    // Enrichment takes the same word as the scaler (scaleThrough's assumeSelfManaged): one owner in both.
    const addon = flags["self-managed-coredns"] ? selfManagedCoreDns : undefined;
    return {
      enrich: clusterEnricher(() => ({ name, kube, addon }), options),
      describe: `kubeconfig context ${name}`,
      // No EKS add-on control through a kubeconfig: an add-on-owned CoreDNS is refused, not guessed.
      scale: () => ({ name, kube }),
    };
  }
  return {
    enrich: withoutEnrichment,
    describe: "no cluster (alerts are not enriched)",
    scale: () => "no cluster to scale: give --kubeconfig, --context or --cluster",
  };
}
