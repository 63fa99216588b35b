import type { SimCluster } from "./sim-cluster.ts";

/**
 * What the EKS API would answer for a simulated cluster, for `aws-sdk-client-mock`:
 * `eksMock.on(DescribeClusterCommand).resolves(describeClusterOutput(cluster, sim.url, caPem))`.
 */
export function describeClusterOutput(cluster: SimCluster, endpoint: string, caPem: string) {
  return {
    cluster: {
      name: cluster.name,
      arn: `arn:aws:eks:${cluster.region}:123456789012:cluster/${cluster.name}`,
      version: "1.31",
      endpoint,
      status: "ACTIVE" as const,
      computeConfig: { enabled: cluster.autoModeEnabled },
      certificateAuthority: { data: Buffer.from(caPem).toString("base64") },
    },
  };
}

/** The DescribeAddon answer for coredns, or null when the scenario's CoreDNS is self-managed (mock a 404 then). */
export function describeAddonOutput(cluster: SimCluster) {
  if (!cluster.corednsAddon) return null;
  return {
    addon: {
      addonName: "coredns",
      clusterName: cluster.name,
      addonVersion: cluster.corednsAddon.addonVersion,
      status: cluster.corednsAddon.status,
      ...(cluster.corednsAddon.configurationValues
        ? { configurationValues: cluster.corednsAddon.configurationValues }
        : {}),
    },
  };
}
