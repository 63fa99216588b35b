import { KubeForbiddenError } from "../cluster/errors.ts";
import type { KubeApi } from "../cluster/kube-api.ts";
import type { List, Pod } from "../cluster/kube-objects.ts";
import type { DnsTalker, NodeTalkers } from "../model/index.ts";
import { KubePath } from "./constants.ts";
import { CLUSTER_WIDE_PODS_RBAC } from "./failure.ts";

/**
 * The pods that resolve through the VPC resolver straight from a node's ENI: `hostNetwork: true` with
 * `dnsPolicy` ClusterFirst (which falls back to the node's resolv.conf for hostNetwork pods) or Default, and
 * any pod with `dnsPolicy: Default`. On a throttled node without CoreDNS they are the usual cause.
 */
export const TalkerLimits = {
  /** Throttled nodes whose pods are read (one request each, full pod objects: dnsPolicy is only there). */
  nodes: 3,
} as const;

/** System DaemonSets that run this way by design and resolve rarely: listed apart, as usually quiet. */
export const QUIET_DAEMONSETS: ReadonlySet<string> = new Set([
  "aws-node",
  "kube-proxy",
  "ebs-csi-node",
  "eks-pod-identity-agent",
]);

export function resolvesThroughNode(pod: Pod): boolean {
  const policy = pod.spec?.dnsPolicy ?? "ClusterFirst";
  if (policy === "Default") return true;
  return pod.spec?.hostNetwork === true && policy === "ClusterFirst";
}

export function talkersOn(node: string, pods: readonly Pod[]): NodeTalkers {
  const found: NodeTalkers = { node, talkers: [], quiet: [] };
  for (const pod of pods) {
    const phase = pod.status?.phase;
    if (phase === "Succeeded" || phase === "Failed" || !resolvesThroughNode(pod)) continue;
    const reference =
      pod.metadata.ownerReferences?.find((o) => o.controller) ?? pod.metadata.ownerReferences?.[0];
    const talker: DnsTalker = {
      namespace: pod.metadata.namespace ?? "",
      name: pod.metadata.name,
      owner: reference ? `${reference.kind}/${reference.name}` : null,
      hostNetwork: pod.spec?.hostNetwork === true,
      dnsPolicy: pod.spec?.dnsPolicy ?? "ClusterFirst",
    };
    const quiet = reference?.kind === "DaemonSet" && QUIET_DAEMONSETS.has(reference.name);
    (quiet ? found.quiet : found.talkers).push(talker);
  }
  return found;
}

/**
 * The pods of up to TalkerLimits.nodes nodes, one `spec.nodeName` field-selected list each. A 403 is the
 * default RBAC (pods in kube-system only), not a failure: each node then says its pods could not be read.
 */
export async function fetchTalkers(kube: KubeApi, nodes: readonly string[]): Promise<NodeTalkers[]> {
  return Promise.all(
    nodes.slice(0, TalkerLimits.nodes).map(async (node) => {
      try {
        const list = await kube.get<List<Pod>>(KubePath.pods, {
          query: { fieldSelector: `spec.nodeName=${node}` },
        });
        return talkersOn(node, list.items ?? []);
      } catch (error) {
        if (!(error instanceof KubeForbiddenError)) throw error;
        return { node, talkers: [], quiet: [], unreadable: CLUSTER_WIDE_PODS_RBAC };
      }
    }),
  );
}
