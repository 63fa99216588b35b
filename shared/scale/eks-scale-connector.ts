import { describeCoreDnsAddonUpdate, updateCoreDnsAddonConfiguration } from "../cluster/eks-addon-update.ts";
import type { ClusterMap } from "../fleet/cluster-map.ts";
import { eksConnections } from "../fleet/eks-connections.ts";
import type { ScaleConnector } from "./scale-sns-event.ts";

/**
 * The EKS connections ingest uses too (same cluster map, same token and client reuse) through each cluster's writer
 * role (`scaleRoleArn`, else `roleArn`), plus the add-on writes and the cluster's own scale mode.
 */
export function eksScaleConnector(options: {
  clusters: ClusterMap | null;
  region: string;
  timeoutMs: number;
}): ScaleConnector {
  const connect = eksConnections({
    ...options,
    roleOf: (entry) => entry.scaleRoleArn,
    sessionName: "linklocal-sentinel-scaler",
  });
  return (group) => {
    const connection = connect(group);
    if (typeof connection === "string") return connection;
    const { entry, addon: lookup, eks } = connection;
    return {
      name: entry.eksClusterName,
      kube: connection.kube,
      scaleMode: entry.scaleMode,
      addon: lookup && {
        describeCoreDns: () => lookup.describeCoreDns(),
        autoModeEnabled: lookup.autoModeEnabled?.bind(lookup),
        updateConfiguration: async (values, token) =>
          updateCoreDnsAddonConfiguration(await eks(), entry.eksClusterName, values, token, {
            timeoutMs: options.timeoutMs,
          }),
        updateStatus: async (updateId) =>
          describeCoreDnsAddonUpdate(await eks(), entry.eksClusterName, updateId, {
            timeoutMs: options.timeoutMs,
          }),
      },
    };
  };
}
