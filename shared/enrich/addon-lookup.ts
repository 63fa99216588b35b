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
}

/** What one lookup attempt told us; `skipped` when no lookup was configured. */
export type AddonLookupOutcome =
  | { kind: "skipped" }
  | { kind: "absent" }
  | { kind: "present"; addon: CoreDnsAddon }
  | { kind: "failed"; error: string };

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
