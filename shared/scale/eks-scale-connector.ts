import type { EKSClient } from "@aws-sdk/client-eks";
import { AwsCallBudgets, awsClientOptions } from "../aws/client-options.ts";
import { describeCoreDnsAddonUpdate, updateCoreDnsAddonConfiguration } from "../cluster/eks-addon-update.ts";
import { createEksClient } from "../cluster/eks-cluster.ts";
import { eksConnector } from "../ingest/eks-connector.ts";
import type { ScaleConnector } from "./scale-sns-event.ts";

/** The ingest's EKS connection (same cluster rule, same token and client reuse) plus the add-on writes. */
export function eksScaleConnector(options: {
  region: string;
  defaultCluster: string | null;
  timeoutMs: number;
}): ScaleConnector {
  const connect = eksConnector(options);
  let eks: Promise<EKSClient> | undefined;
  return (group) => {
    const connection = connect(group);
    if (typeof connection === "string") return connection;
    eks ??= createEksClient({ region: options.region, ...awsClientOptions(AwsCallBudgets.eks) });
    const client = eks;
    const lookup = connection.addon;
    return {
      name: connection.name,
      kube: connection.kube,
      addon: lookup && {
        describeCoreDns: () => lookup.describeCoreDns(),
        autoModeEnabled: lookup.autoModeEnabled?.bind(lookup),
        updateConfiguration: async (values, token) =>
          updateCoreDnsAddonConfiguration(await client, connection.name, values, token, {
            timeoutMs: options.timeoutMs,
          }),
        updateStatus: async (updateId) =>
          describeCoreDnsAddonUpdate(await client, connection.name, updateId, {
            timeoutMs: options.timeoutMs,
          }),
      },
    };
  };
}
