// The STS client, imported only when a CLUSTERS entry names a roleArn: a one-cluster deployment never loads it.
// Our own ESM module re-exporting the package, so code splitting keeps the named exports.
export { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
