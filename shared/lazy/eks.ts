// The EKS client, imported on first use: a deployment without EKS_CLUSTER_NAME never loads it, and one with a
// cluster loads it with the first group rather than before the handler runs. Our own ESM module re-exporting
// the CommonJS package, so code splitting keeps the named exports.
export {
  DescribeAddonCommand,
  DescribeClusterCommand,
  DescribeUpdateCommand,
  EKSClient,
  UpdateAddonCommand,
} from "@aws-sdk/client-eks";
