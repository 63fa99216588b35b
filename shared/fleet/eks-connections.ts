import type { EKSClient } from "@aws-sdk/client-eks";
import { AwsCallBudgets, awsClientOptions } from "../aws/client-options.ts";
import {
  createEksClient,
  createEksKubeApi,
  describeCoreDnsAddon,
  describeEksCluster,
} from "../cluster/eks-cluster.ts";
import type { AwsCredentialsProvider } from "../cluster/eks-token.ts";
import { assumedRoleCredentials } from "./assumed-role.ts";
import { type ClusterConnection, ENRICHMENT_OFF } from "./cluster-connection.ts";
import { type ClusterEntry, type ClusterMap, clusterEntryFor } from "./cluster-map.ts";

/** One cluster of the map, reached: its Kubernetes API, add-on lookup, and the EKS client in its region. */
export interface EksConnection extends ClusterConnection {
  entry: ClusterEntry;
  eks: () => Promise<EKSClient>;
}

export interface EksConnectionsOptions {
  /** Every cluster this deployment serves (CLUSTERS, or EKS_CLUSTER_NAME); null: enrichment is off. */
  clusters: ClusterMap | null;
  /** The function's own region: STS is asked there. */
  region: string;
  timeoutMs: number;
  /** The role to reach a cluster with: the reader's (`roleArn`) or the scaler's (`scaleRoleArn`). */
  roleOf?: (entry: ClusterEntry) => string | null;
  /** AssumeRole session name, what CloudTrail in the member account shows. */
  sessionName?: string;
}

/**
 * Reaches the clusters of the map through the AWS API: per cluster an EKS client in its region, with the
 * credentials of its role when it names one (assumed on first use, cached until shortly before expiry), and a
 * Kubernetes client with its own token cache. Everything is made on first use and kept per cluster label, so a
 * warm function asks STS and DescribeCluster once per cluster. A group whose cluster is not in the map gets
 * the reason instead.
 */
export function eksConnections(
  options: EksConnectionsOptions,
): (group: { cluster: string | null }) => EksConnection | string {
  const roleOf = options.roleOf ?? ((entry: ClusterEntry) => entry.roleArn);
  const connections = new Map<string, EksConnection>();
  const connectionOf = (entry: ClusterEntry): EksConnection => {
    let connection = connections.get(entry.label);
    if (!connection) {
      connection = connectCluster(entry, roleOf(entry), options);
      connections.set(entry.label, connection);
    }
    return connection;
  };
  // A one-cluster deployment reaches its cluster for every group: the client is made now (in a Lambda's init).
  const only = options.clusters?.entries.size === 1 ? options.clusters.unlabelled : null;
  if (only) void connectionOf(only).eks();
  return (group) => {
    if (!options.clusters) return ENRICHMENT_OFF;
    const entry = clusterEntryFor(options.clusters, group.cluster);
    return typeof entry === "string" ? entry : connectionOf(entry);
  };
}

/** One cluster of the map: its role's credentials, an EKS client in its region, its Kubernetes API. */
function connectCluster(
  entry: ClusterEntry,
  roleArn: string | null,
  options: EksConnectionsOptions,
): EksConnection {
  const credentials: AwsCredentialsProvider | undefined = roleArn
    ? assumedRoleCredentials({
        roleArn,
        region: options.region,
        sessionName: options.sessionName ?? "linklocal-sentinel",
      })
    : undefined;
  let client: Promise<EKSClient> | undefined;
  const eks = () => {
    client ??= createEksClient({
      region: entry.region,
      ...(credentials ? { credentials } : {}),
      ...awsClientOptions(AwsCallBudgets.eks),
    });
    return client;
  };
  return {
    name: entry.label,
    entry,
    eks,
    kube: createEksKubeApi({
      clusterName: entry.eksClusterName,
      region: entry.region,
      timeoutMs: options.timeoutMs,
      ...(credentials ? { credentials, identity: roleArn ?? undefined } : {}),
    }),
    addon: {
      async describeCoreDns() {
        const addon = await describeCoreDnsAddon(await eks(), entry.eksClusterName, {
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
        const identity = roleArn ?? undefined;
        const cluster = await describeEksCluster(await eks(), entry.eksClusterName, {
          timeoutMs: options.timeoutMs,
          ...(identity ? { identity } : {}),
        });
        return cluster.autoModeEnabled;
      },
    },
  };
}
