import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { createKubeconfigKubeApi } from "../shared/cluster/kubeconfig.ts";
import type { Env } from "../shared/config/env.ts";
import { readClusterReadConfig } from "../shared/config/ingest-config.ts";
import { createClusterFactsCache, readEnrichConfig } from "../shared/enrich/index.ts";
import { InputError } from "../shared/errors.ts";
import {
  clusterEnricher,
  eksConnector,
  type GroupEnricher,
  withoutClusterFacts,
} from "../shared/ingest/index.ts";
import { EnrichmentFailureReason } from "../shared/model/index.ts";
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
    scaleUp: scaleUpPolicy(readScaleConfig(env)),
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
  // Like kubectl: with no flag and no KUBECONFIG, ~/.kube/config when there is one.
  const defaultKubeconfig = join(env.HOME ?? homedir(), ".kube", "config");
  if (flags.kubeconfig || flags.context || env.KUBECONFIG || existsSync(defaultKubeconfig)) {
    const kube = createKubeconfigKubeApi({ path: flags.kubeconfig, context: flags.context, env, timeoutMs });
    const name = flags.context ?? "kubeconfig";
    return {
      enrich: clusterEnricher(() => ({ name, kube }), options),
      describe: `kubeconfig context ${name}`,
      // No EKS add-on control through a kubeconfig: an add-on-owned CoreDNS is refused, not guessed.
      scale: () => ({ name, kube }),
    };
  }
  return {
    enrich: async (group) => withoutClusterFacts(group, NO_CLUSTER, EnrichmentFailureReason.off),
    describe: "no cluster (alerts are not enriched)",
    scale: () => "no cluster to scale: give --kubeconfig, --context or --cluster",
  };
}
