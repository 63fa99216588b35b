import { ReplicaOwner } from "./cluster.ts";
import type { Sink } from "./enriched.ts";

/**
 * What the CoreDNS scaler decided for one alert group. `ScaleOutcome` is the `scale` field of the replay
 * report (DESIGN.md "Interfaces"); `ScaleReport` is that plus what the notifiers show, and travels on the
 * internal topic back to Slack and PagerDuty.
 */
export const ScaleMode = { off: "off", dryRun: "dry-run", on: "on" } as const;
export type ScaleMode = (typeof ScaleMode)[keyof typeof ScaleMode];

export const ScaleAction = {
  scaled: "scaled",
  wouldScale: "would-scale",
  refused: "refused",
  skipped: "skipped",
} as const;
export type ScaleAction = (typeof ScaleAction)[keyof typeof ScaleAction];

/** Who owns CoreDNS's replica count, and so which object the scaler writes: enrichment's owner, the same words. */
export const ScaleOwner = ReplicaOwner;
export type ScaleOwner = ReplicaOwner;

/** Named refusals: users alert and search on these, so never rename one. */
export const Guardrail = {
  modeOff: "mode-off",
  resolvedGroup: "resolved-group",
  wontHelp: "diagnosis-says-it-wont-help",
  noScaleDown: "no-scale-down",
  maxReplicas: "max-replicas",
  cooldown: "cooldown",
  alreadyHandled: "already-handled",
  notEnoughNodes: "not-enough-nodes",
  rolloutInProgress: "rollout-in-progress",
  unknownOwner: "unknown-owner",
  ownerCannotExpress: "owner-cannot-express",
  conflict: "conflict",
  clusterUnreadable: "cluster-unreadable",
  /** EKS Auto Mode runs cluster DNS on its nodes: there is no replica count to raise. */
  eksAutoMode: "eks-auto-mode",
  /** The cluster has no CoreDNS Deployment (another DNS provider, or none found). */
  noCoreDns: "no-coredns",
} as const;
export type Guardrail = (typeof Guardrail)[keyof typeof Guardrail];

export interface ScaleOutcome {
  mode: ScaleMode;
  owner: ScaleOwner;
  action: ScaleAction;
  from: number | null;
  to: number | null;
  /** One line a human reads: why this decision. */
  reason: string;
  guardrail: Guardrail | null;
  /** Nodes the new replicas landed on (empty unless scaled and seen Ready). */
  landedOn: string[];
}

export interface LandedReplica {
  pod: string;
  node: string;
  ready: boolean;
  /** The node is among the group's throttled (firing) nodes. */
  throttled: boolean;
  spot: boolean;
}

export interface ScaleReport extends ScaleOutcome {
  schemaVersion: 1;
  kind: "scale-report";
  cluster: string | null;
  alertname: string | null;
  /** The SNS message id of the alert group that prompted the decision (the correlation id). */
  messageId: string;
  /** The owner in words: "EKS add-on coredns v1.11.3-eksbuild.2 with autoScaling (min 2, max 10)". */
  ownerDetail: string;
  landed: LandedReplica[];
  /** RFC 3339 time of the decision. */
  decidedAt: string;
  /** Where the report goes: slack, and pagerduty when the group was routed there. Never coredns-scale. */
  routes: Sink[];
  /** The group's firing nodes and when its first alert started: what the verification after it asks AMP about. */
  nodes: string[];
  firstFiringAt: string | null;
}
