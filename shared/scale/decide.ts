import type { Deployment } from "../cluster/kube-objects.ts";
import {
  DiagnosisCode,
  type EnrichedAlertGroup,
  Guardrail,
  ReplicaControllerKind,
  ScaleAction,
  ScaleMode,
  ScaleOwner,
} from "../model/index.ts";
import { applyStep, formatStep, type ScaleConfig } from "./config.ts";
import { cooldownLeftSeconds, readLastScale } from "./cooldown.ts";
import type { OwnerState } from "./owner.ts";
import type { NodeCapacity } from "./placement.ts";
import { rolloutInProgress } from "./rollout.ts";

/**
 * The scaler's decision, as pure functions of the group, the configuration and a fresh read of the cluster.
 * `decideTarget` runs every guardrail that needs no node list; `fitToNodes` then bounds the target by the
 * nodes that could take a replica. Anything refused carries the guardrail's name and a sentence saying why.
 */
export interface Verdict {
  action: ScaleAction;
  guardrail: Guardrail | null;
  from: number | null;
  to: number | null;
  reason: string;
}

export interface Target {
  from: number;
  to: number;
  /** Why the target is what it is (step, clamps), for the report. */
  notes: string[];
}

export interface DecisionInput {
  group: Pick<EnrichedAlertGroup, "status" | "diagnosis" | "alerts"> & {
    coredns?: EnrichedAlertGroup["coredns"];
  };
  messageId: string;
  config: ScaleConfig;
  deployment: Deployment;
  owner: OwnerState;
  nowMs: number;
}

/** Codes that mean more replicas, on more nodes, carry the load the throttled ENIs carry now. */
const HELPED_BY_REPLICAS: ReadonlySet<string> = new Set([
  DiagnosisCode.corednsOnThrottledNode,
  DiagnosisCode.corednsUnderscaled,
  DiagnosisCode.corednsColocated,
]);

export function refused(
  guardrail: Guardrail,
  reason: string,
  from: number | null,
  to: number | null = null,
): Verdict {
  return { action: ScaleAction.refused, guardrail, from, to, reason };
}

export function decideTarget(input: DecisionInput): Verdict | Target {
  const { config, deployment, group, owner } = input;
  const from = deployment.spec?.replicas ?? 1;
  if (config.mode === ScaleMode.off) {
    return {
      action: ScaleAction.skipped,
      guardrail: Guardrail.modeOff,
      from,
      to: null,
      reason: "COREDNS_SCALE_MODE is off: nothing is decided or written",
    };
  }
  const onGroup = refuseOnGroup(group);
  if (onGroup) return { ...onGroup, from };
  if (owner.owner === ScaleOwner.unknown) {
    return refused(
      Guardrail.unknownOwner,
      `${owner.detail}; scaling the Deployment could be undone or fought`,
      from,
    );
  }
  const { last } = readLastScale(deployment);
  if (last && last.messageId === input.messageId) {
    return {
      action: ScaleAction.skipped,
      guardrail: Guardrail.alreadyHandled,
      from: last.from,
      to: last.to,
      reason: `this alert group already scaled CoreDNS from ${last.from} to ${last.to} at ${last.at}`,
    };
  }
  if (last) {
    const left = cooldownLeftSeconds(last, config.cooldownSeconds, input.nowMs);
    if (left > 0) {
      return refused(
        Guardrail.cooldown,
        `CoreDNS was scaled from ${last.from} to ${last.to} at ${last.at}; the cooldown ` +
          `(COREDNS_SCALE_COOLDOWN_SECONDS=${config.cooldownSeconds}) has ${left} s left`,
        from,
      );
    }
  }
  const rollout = rolloutInProgress(deployment);
  if (rollout)
    return refused(Guardrail.rolloutInProgress, `a CoreDNS rollout is in progress: ${rollout}`, from);
  if (from >= config.maxReplicas) {
    const above = from > config.maxReplicas ? ` (it never scales down to reach the maximum)` : "";
    return refused(
      Guardrail.maxReplicas,
      `CoreDNS already runs ${from} replicas, at or above COREDNS_MAX_REPLICAS=${config.maxReplicas}${above}`,
      from,
    );
  }
  const stepped = applyStep(from, config.step);
  const to = Math.min(stepped, config.maxReplicas);
  const notes = [`step ${formatStep(config.step)}`];
  if (to < stepped) notes.push(`capped at COREDNS_MAX_REPLICAS=${config.maxReplicas}`);
  return { from, to, notes };
}

/** Bounds the target by the nodes that could take one more replica each; refuses when not even one can. */
export function fitToNodes(target: Target, nodes: NodeCapacity): Verdict | Target {
  if (nodes.capacity >= target.to) return target;
  const unit = nodes.spreadKey === "kubernetes.io/hostname" ? "node(s)" : `value(s) of ${nodes.spreadKey}`;
  const excluded = Object.entries(nodes.excluded)
    .map(([why, count]) => `${count} ${why}`)
    .join(", ");
  const scope = nodes.complete ? "" : ` among the first ${nodes.scannedNodes} nodes`;
  const seen = `${nodes.capacity} ${unit}${scope} can take a CoreDNS replica${excluded ? ` (${excluded} left out)` : ""}`;
  if (nodes.capacity <= target.from) {
    return refused(
      Guardrail.notEnoughNodes,
      `${target.to} replicas need ${target.to} ${unit} that could each take one; ${seen}: ` +
        `${target.to - nodes.capacity} missing (replicas sharing a node share its link-local allowance)`,
      target.from,
      target.to,
    );
  }
  return {
    from: target.from,
    to: nodes.capacity,
    notes: [
      ...target.notes,
      `capped at ${nodes.capacity}: only ${seen}, ${target.to - nodes.capacity} missing`,
    ],
  };
}

/** The guardrails that need only the group (checked before any cluster read, and again in decideTarget). */
export function refuseOnGroup(group: DecisionInput["group"]): Verdict | null {
  if (group.status !== "firing" || !group.alerts.some((alert) => alert.status === "firing")) {
    return refused(
      Guardrail.resolvedGroup,
      "the group is resolved: the drops stopped, nothing to scale for",
      null,
    );
  }
  const layout = refuseOnLayout(group.coredns ?? null);
  if (layout) return layout;
  const wontHelp = whyReplicasWontHelp(group.diagnosis);
  return wontHelp ? refused(Guardrail.wontHelp, wontHelp, null) : null;
}

/**
 * Layouts with no replica count to raise, as enrichment saw them: EKS Auto Mode runs cluster DNS itself, or
 * there is no CoreDNS. The scaler's own fresh read refuses the same way (read-state.ts).
 */
function refuseOnLayout(coredns: EnrichedAlertGroup["coredns"]): Verdict | null {
  const controller = coredns?.replicaController;
  if (controller?.kind === ReplicaControllerKind.eksAutoMode)
    return refused(Guardrail.eksAutoMode, controller.detail, null);
  if (controller && coredns?.deployment === null)
    return refused(Guardrail.noCoreDns, controller.detail, null);
  return null;
}

/** Null when the diagnosis says more replicas help; otherwise why they would not. */
export function whyReplicasWontHelp(diagnosis: EnrichedAlertGroup["diagnosis"]): string | null {
  const codes = diagnosis.map((d) => d.code);
  if (codes.some((code) => HELPED_BY_REPLICAS.has(code))) return null;
  if (codes.includes(DiagnosisCode.autoModeNodeThrottled)) {
    return (
      "the drops are on EKS Auto Mode nodes, which resolve and cache DNS on the node itself: their packets are " +
      "the node's own pods' lookups, and CoreDNS replicas elsewhere do not carry them (AUTO_MODE_NODE_THROTTLED)"
    );
  }
  if (codes.includes(DiagnosisCode.nonCorednsNodeThrottled)) {
    return (
      "the drops are on nodes without CoreDNS: their packets are the node's own pods resolving through the " +
      "VPC resolver (hostNetwork pods, dnsPolicy Default), IMDS or NTP traffic, or NodeLocal DNSCache misses; " +
      "more CoreDNS replicas on other nodes do not carry that traffic (NON_COREDNS_NODE_THROTTLED)"
    );
  }
  const named = codes.length > 0 ? codes.join(", ") : "no finding";
  return `the diagnosis (${named}) does not say more CoreDNS replicas would help`;
}
