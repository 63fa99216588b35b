import type { AlertGroup, CoreDnsPlacement, EnrichedAlert } from "../model/index.ts";

/**
 * The headroom alert (infra/alert-rules.yaml): a node's CoreDNS forwards DNS at a share of the 1024 pps
 * link-local allowance, before any drop. Its value is that share (0.78 is 78%). Not a drop: the drop
 * diagnosis does not apply; the message says how far from the limit each node is and how many replicas
 * would bring every CoreDNS node under the target share.
 */
export const HEADROOM_ALERTNAME = "LinkLocalAllowanceHeadroomLow";

/** Each CoreDNS node should stay under half the allowance: room for a burst, a lost replica, a retry storm. */
export const HEADROOM_TARGET_SHARE = 0.5;

export function isHeadroomGroup(group: Pick<AlertGroup, "alertname">): boolean {
  return group.alertname === HEADROOM_ALERTNAME;
}

export interface NodeShare {
  node: string;
  share: number;
}

/** Firing alerts' nodes and shares, the highest first; alerts without a readable share are left out. */
export function headroomShares(alerts: readonly EnrichedAlert[]): NodeShare[] {
  const shares: NodeShare[] = [];
  for (const alert of alerts) {
    if (alert.status !== "firing") continue;
    const share = Number.parseFloat(alert.annotations.value ?? alert.labels.value ?? "");
    const node = alert.node?.name ?? alert.labels.node ?? alert.labels.instance;
    if (Number.isFinite(share) && node) shares.push({ node, share });
  }
  return shares.sort((a, b) => b.share - a.share);
}

/**
 * Replicas that bring the busiest CoreDNS node under the target share, assuming the forwarded load spreads
 * over replicas on distinct nodes as it does today: current x worst share / target, at least one more.
 */
export function headroomReplicas(
  coredns: CoreDnsPlacement | null,
  worstShare: number,
): { from: number; to: number } | null {
  if (coredns === null || coredns.desiredReplicas < 1) return null;
  const from = coredns.desiredReplicas;
  return { from, to: Math.max(from + 1, Math.ceil((from * worstShare) / HEADROOM_TARGET_SHARE)) };
}
