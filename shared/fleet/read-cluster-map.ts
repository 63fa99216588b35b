import { type Env, readString } from "../config/env.ts";
import { ConfigError } from "../errors.ts";
import { createSecretProviders, type SecretProviders } from "../secrets/secret-providers.ts";
import { type ClusterMap, parseClusterMap, singleClusterMap } from "./cluster-map.ts";

/**
 * The clusters this deployment serves, read once at cold start: `CLUSTERS` (JSON or YAML), or for a fleet too
 * large for an environment variable (4 KB in all) the SSM parameter named by `CLUSTERS_PARAMETER`, or the
 * one-cluster shorthand `EKS_CLUSTER_NAME`; null when none is set (enrichment off). A bad entry stops the
 * function here, naming the entry.
 */
/** The variables that name this deployment's clusters; at most one may be set. */
const CLUSTER_SOURCES = ["CLUSTERS", "CLUSTERS_PARAMETER", "EKS_CLUSTER_NAME"] as const;

/** Which of the cluster sources are set (non-blank). */
export function clusterSourcesSet(env: Env): string[] {
  return CLUSTER_SOURCES.filter((name) => readString(env, name) !== undefined);
}

export async function readClusterMap(
  env: Env,
  options: { region: string; providers?: SecretProviders },
): Promise<ClusterMap | null> {
  const inline = readString(env, "CLUSTERS");
  const parameter = readString(env, "CLUSTERS_PARAMETER");
  const single = readString(env, "EKS_CLUSTER_NAME");
  const set = clusterSourcesSet(env);
  if (set.length > 1) throw new ConfigError(`set one of ${set.join(", ")}, not several`);
  if (inline) return parseClusterMap(inline, "CLUSTERS");
  if (parameter) {
    const ssm = await (options.providers ?? createSecretProviders()).ssm();
    let text: unknown;
    try {
      text = await ssm.get(parameter, { maxAge: 0 });
    } catch (error) {
      throw new ConfigError(
        `CLUSTERS_PARAMETER ${parameter} could not be read (${(error as Error).name}); grant ssm:GetParameter on it`,
        { cause: error },
      );
    }
    if (typeof text !== "string" || text.trim() === "")
      throw new ConfigError(`CLUSTERS_PARAMETER ${parameter} is empty`);
    return parseClusterMap(text, `SSM parameter ${parameter}`);
  }
  if (single) return singleClusterMap(single, options.region);
  return null;
}
