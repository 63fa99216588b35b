// SigV4 signing and the default AWS credential chain, imported when the first EKS token is made: a Lambda
// without a cluster, and the CLI on a kubeconfig, never load them. Our own ESM module re-exporting the
// CommonJS packages, so code splitting keeps the named exports.
export { Sha256 } from "@aws-crypto/sha256-js";
export { defaultProvider } from "@aws-sdk/credential-provider-node";
export { HttpRequest } from "@smithy/protocol-http";
export { SignatureV4 } from "@smithy/signature-v4";
