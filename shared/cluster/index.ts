export {
  type CoreDnsAddon,
  clearEksClusterCache,
  createEksKubeApi,
  describeCoreDnsAddon,
  describeEksCluster,
  type EksClusterEndpoint,
  type EksKubeApiOptions,
} from "./eks-cluster.ts";
export { createEksToken, decodeEksToken, type EksToken, EksTokenCache, EksTokenLimits } from "./eks-token.ts";
export * from "./errors.ts";
export { execCredentialsProvider, runExecPlugin } from "./exec-credential.ts";
export {
  createHttpKubeClient,
  HttpKubeClient,
  type HttpKubeClientOptions,
  type KubeAuth,
  KubeClientDefaults,
  type TokenProvider,
} from "./http-kube-client.ts";
export type * from "./kube-api.ts";
export * from "./kube-objects.ts";
export { createKubeconfigKubeApi, type KubeconfigSelection, resolveKubeconfig } from "./kubeconfig.ts";
