import { stringify } from "yaml";
import type { KubeApiSimulator } from "./kube-api-server.ts";

/**
 * A kubeconfig pointing at a running simulator, so the CLI (`replay --kubeconfig`), kubectl and the demo can
 * talk to it like any cluster.
 */
export function simulatorKubeconfig(
  sim: KubeApiSimulator,
  options: { contextName?: string; token?: string; caPem?: string; insecureSkipTlsVerify?: boolean } = {},
): string {
  const name = options.contextName ?? sim.cluster.name;
  const cluster: Record<string, unknown> = { server: sim.url };
  if (options.caPem) cluster["certificate-authority-data"] = Buffer.from(options.caPem).toString("base64");
  if (options.insecureSkipTlsVerify) cluster["insecure-skip-tls-verify"] = true;
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    "current-context": name,
    clusters: [{ name, cluster }],
    users: [{ name, user: options.token ? { token: options.token } : {} }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: "kube-system" } }],
  });
}
