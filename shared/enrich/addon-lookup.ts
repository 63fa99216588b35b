import type { EnrichmentFailureReason } from "../model/index.ts";
import { parseConfigurationValues } from "./configuration-values.ts";
import { readFailure } from "./failure.ts";
/**
 * Whether CoreDNS is the EKS `coredns` add-on, and with which configuration values. Behind an interface so
 * the CLI on a plain kubeconfig can go without it and tests can stub it.
 */
export interface CoreDnsAddon {
  addonVersion: string;
  /** The add-on's configuration values as given to EKS (JSON or YAML), or null when none were set. */
  configurationValues: string | null;
}

export interface CoreDnsAddonLookup {
  /** Resolves with null when coredns is not installed as an EKS add-on; rejects when EKS cannot be asked. */
  describeCoreDns(): Promise<CoreDnsAddon | null>;
  /** The answer is the operator's word (`--self-managed-coredns`), not EKS's. */
  declaredByOperator?: boolean;
  /**
   * DescribeCluster's `computeConfig.enabled`: EKS Auto Mode runs cluster DNS itself. Absent where EKS cannot
   * be asked (a kubeconfig); then Auto Mode is told from node labels alone.
   */
  autoModeEnabled?(): Promise<boolean>;
}

/** What DescribeCluster said of Auto Mode: null when not asked or unanswered (the error is kept). */
export type AutoModeOutcome =
  | { enabled: boolean | null }
  | { enabled: null; error: string; reason: EnrichmentFailureReason };

export async function lookupAutoMode(lookup: CoreDnsAddonLookup | undefined): Promise<AutoModeOutcome> {
  if (!lookup?.autoModeEnabled) return { enabled: null };
  try {
    return { enabled: await lookup.autoModeEnabled() };
  } catch (error) {
    const failure = readFailure("reading the cluster's compute config (EKS Auto Mode)", error);
    return { enabled: null, error: failure.message, reason: failure.reason };
  }
}

/**
 * For a cluster reached through a kubeconfig, which cannot ask EKS: the operator says CoreDNS is not an add-on
 * (`replay --self-managed-coredns`, the demo). Enrichment and the scaler take the same word, so they name the
 * same owner.
 */
export const selfManagedCoreDns: CoreDnsAddonLookup = {
  describeCoreDns: async () => null,
  declaredByOperator: true,
};

/** What one lookup attempt told us; `skipped` when no lookup was configured. */
export type AddonLookupOutcome =
  | { kind: "skipped" }
  | { kind: "absent"; declaredByOperator?: boolean }
  /** `values`: the configuration values parsed (JSON or YAML), null when unset or unreadable. */
  | { kind: "present"; addon: CoreDnsAddon; values: unknown }
  | { kind: "failed"; error: string; reason: EnrichmentFailureReason };

/** Adapts any `describeCoreDnsAddon(eks, cluster)`-shaped function (shared/cluster/eks-cluster.ts). */
export function coreDnsAddonLookup<Client>(
  describe: (
    client: Client,
    clusterName: string,
  ) => Promise<{ addonVersion: string; configurationValues?: string | null } | null>,
  client: Client,
  clusterName: string,
): CoreDnsAddonLookup {
  return {
    async describeCoreDns() {
      const addon = await describe(client, clusterName);
      if (!addon) return null;
      return { addonVersion: addon.addonVersion, configurationValues: addon.configurationValues ?? null };
    },
  };
}

/** Asks once; a failure is an outcome (with the reason), never a rejection. */
export async function lookupCoreDnsAddon(
  lookup: CoreDnsAddonLookup | undefined,
): Promise<AddonLookupOutcome> {
  if (!lookup) return { kind: "skipped" };
  try {
    const addon = await lookup.describeCoreDns();
    if (!addon)
      return lookup.declaredByOperator ? { kind: "absent", declaredByOperator: true } : { kind: "absent" };
    return { kind: "present", addon, values: await parseConfigurationValues(addon.configurationValues) };
  } catch (error) {
    const failure = readFailure("describing the EKS coredns add-on", error);
    return { kind: "failed", error: failure.message, reason: failure.reason };
  }
}
