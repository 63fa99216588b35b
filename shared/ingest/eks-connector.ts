import type { EKSClient } from "@aws-sdk/client-eks";
import { AwsCallBudgets, awsClientOptions } from "../aws/client-options.ts";
import {
  createEksClient,
  createEksKubeApi,
  describeCoreDnsAddon,
  describeEksCluster,
} from "../cluster/eks-cluster.ts";
import type { ClusterConnector } from "./cluster-enricher.ts";
import { targetCluster } from "./cluster-enricher.ts";

/**
 * Reaches EKS clusters through the AWS API (DescribeCluster + IAM token) from the function's role.
 * Clients and connections are created lazily and reused across warm invocations.
 */
export function eksConnector(options: {
  region: string;
  defaultCluster: string | null;
  timeoutMs: number;
}): ClusterConnector {
  const newClient = () =>
    createEksClient({ region: options.region, ...awsClientOptions(AwsCallBudgets.eks) });
  // With a default cluster every group needs the client: made now (in a Lambda's init), not on the first group.
  let eks: Promise<EKSClient> | undefined = options.defaultCluster !== null ? newClient() : undefined;
  return (group) => {
    const target = targetCluster(group, options.defaultCluster);
    if (typeof target === "string") return target;
    eks ??= newClient();
    const client = eks;
    return {
      name: target.name,
      kube: createEksKubeApi({
        clusterName: target.name,
        region: options.region,
        timeoutMs: options.timeoutMs,
      }),
      addon: {
        async describeCoreDns() {
          const addon = await describeCoreDnsAddon(await client, target.name, {
            timeoutMs: options.timeoutMs,
          });
          return (
            addon && {
              addonVersion: addon.addonVersion ?? "unknown",
              configurationValues: addon.configurationValues,
            }
          );
        },
        // The DescribeCluster answer the connection already cached: no extra call.
        async autoModeEnabled() {
          return (await describeEksCluster(await client, target.name, { timeoutMs: options.timeoutMs }))
            .autoModeEnabled;
        },
      },
    };
  };
}
