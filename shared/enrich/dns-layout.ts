import type { Deployment, Service } from "../cluster/kube-objects.ts";
import { ComputeType as Compute, type ComputeType } from "../model/index.ts";
import { DnsWorkload, FARGATE_NODE_PREFIX, NodeLabel } from "./constants.ts";
import { type DnsAutoscaler, dnsAutoscalerOf } from "./replica-controller.ts";

/**
 * Where a cluster's DNS lives, read the same way by enrichment and the scaler (docs/dns-layouts.md):
 * - the CoreDNS Deployment whatever its name: its pods carry `k8s-app=kube-dns` (EKS, kubeadm), the Helm
 *   chart's `k8s-app=coredns`, or `app.kubernetes.io/name=coredns`; when no Deployment does, the one whose
 *   pods the `kube-dns` Service selects;
 * - its cluster-proportional-autoscaler whatever its name, by the `--target` naming that Deployment;
 * - the compute under the nodes, by `eks.amazonaws.com/compute-type` (or a Fargate node's name).
 */

/** `k8s-app` values of CoreDNS pods: one set-based selector reads them, and NodeLocal DNSCache's, at once. */
export const CORE_DNS_APP_LABELS: readonly string[] = [DnsWorkload.corednsAppLabel, DnsWorkload.helmAppLabel];

function templateLabels(deployment: Deployment): Record<string, string> {
  return deployment.spec?.template?.metadata?.labels ?? deployment.spec?.selector?.matchLabels ?? {};
}

/** A CoreDNS Deployment by its pods' labels: not an autoscaler (the chart's is `k8s-app=coredns-autoscaler`). */
function looksLikeCoreDns(deployment: Deployment): boolean {
  const labels = templateLabels(deployment);
  const app = labels[DnsWorkload.appLabelKey];
  return (
    (app !== undefined && CORE_DNS_APP_LABELS.includes(app)) ||
    labels[DnsWorkload.nameLabelKey] === DnsWorkload.helmAppLabel
  );
}

/** The Deployment whose pod template carries every label of `selector` (what the Service sends traffic to). */
export function deploymentSelectedBy(
  deployments: readonly Deployment[],
  selector: Record<string, string> | undefined,
): Deployment | null {
  const entries = Object.entries(selector ?? {});
  if (entries.length === 0) return null;
  return (
    deployments.find((d) => {
      const labels = templateLabels(d);
      return entries.every(([key, value]) => labels[key] === value);
    }) ?? null
  );
}

/**
 * The CoreDNS Deployment among kube-system's, by its pods' labels. Several candidates (a Helm release beside
 * the EKS one during a migration): the one named `coredns`, else the one with the most ready replicas.
 * Null when none looks like CoreDNS; then the `kube-dns` Service decides (`deploymentSelectedBy`).
 */
export function findCoreDnsDeployment(deployments: readonly Deployment[]): Deployment | null {
  const candidates = deployments.filter(looksLikeCoreDns);
  if (candidates.length <= 1) return candidates[0] ?? null;
  const named = candidates.find((d) => d.metadata.name === DnsWorkload.corednsDeployment);
  if (named) return named;
  return (
    [...candidates].sort((a, b) => (b.status?.readyReplicas ?? 0) - (a.status?.readyReplicas ?? 0))[0] ?? null
  );
}

/**
 * The cluster-proportional-autoscaler scaling `coredns` (the CoreDNS Deployment's name): any Deployment whose
 * `--target` names it, whatever the autoscaler is called. A `k8s-app=dns-autoscaler` Deployment whose command
 * line cannot be read is taken to scale CoreDNS, as the upstream DNS autoscaler does.
 */
export function findDnsAutoscaler(
  deployments: readonly Deployment[],
  coredns: string | null,
): DnsAutoscaler | null {
  if (!coredns) return null;
  for (const deployment of deployments) {
    const autoscaler = dnsAutoscalerOf(deployment);
    if (autoscaler.target === null) {
      if (deployment.metadata.labels?.[DnsWorkload.appLabelKey] === DnsWorkload.autoscalerAppLabel)
        return autoscaler;
      continue;
    }
    if (autoscaler.target.split(",").includes(`deployment/${coredns.toLowerCase()}`)) return autoscaler;
  }
  return null;
}

/** `k8s-app=kube-dns`-style text of a selector, or `absent` for no Service. */
export function describeServiceSelector(service: Service | null): string {
  if (!service) return "absent";
  const pairs = Object.entries(service.spec?.selector ?? {}).map(([key, value]) => `${key}=${value}`);
  return pairs.length > 0 ? pairs.join(",") : "no selector";
}

/** The compute under a node, from its labels; a bare Table row (no labels) is told by a Fargate node's name. */
export function computeTypeOf(labels: Record<string, string> | null, name: string): ComputeType {
  const value = labels?.[NodeLabel.computeType]?.toLowerCase();
  if (value === Compute.auto || value === Compute.fargate || value === Compute.hybrid) return value;
  if (!labels && name.startsWith(FARGATE_NODE_PREFIX)) return Compute.fargate;
  return Compute.ec2;
}
