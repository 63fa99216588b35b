import type { CoreDnsPlacement, Diagnosis, EnrichedAlert, NodeTalkers } from "../model/index.ts";
import { diagnosisContext } from "./context.ts";
import { HEADROOM_ALERTNAME } from "./headroom.ts";
import type { DiagnosisRule } from "./rule.ts";
import { autoModeNodeThrottled } from "./rules/auto-mode-node-throttled.ts";
import { corednsColocated } from "./rules/coredns-colocated.ts";
import { corednsNotFound } from "./rules/coredns-not-found.ts";
import { corednsOnSpot } from "./rules/coredns-on-spot.ts";
import { corednsOnThrottledNode } from "./rules/coredns-on-throttled-node.ts";
import { corednsReplicasManaged } from "./rules/coredns-replicas-managed.ts";
import { corednsUnderscaled } from "./rules/coredns-underscaled.ts";
import { enrichmentUnavailable } from "./rules/enrichment-unavailable.ts";
import { hostnetworkDnsBypass } from "./rules/hostnetwork-dns-bypass.ts";
import { nodelocalDnsAbsent } from "./rules/nodelocal-dns-absent.ts";
import { nodelocalDnsOnThrottledNode } from "./rules/nodelocal-dns-on-throttled-node.ts";
import { nonCorednsNodeThrottled } from "./rules/non-coredns-node-throttled.ts";

export { CoreDnsSizing, recommendedReplicas } from "./context.ts";
export * from "./headroom.ts";
export type { DiagnosisRule } from "./rule.ts";

/**
 * Rules by severity: what breaks DNS for the whole cluster now, then what makes it fragile, then the
 * node-local causes, then context (who owns replicas) and gaps in what we could see.
 */
export const DIAGNOSIS_RULES: readonly DiagnosisRule[] = [
  corednsNotFound,
  corednsOnThrottledNode,
  corednsUnderscaled,
  corednsColocated,
  corednsOnSpot,
  nodelocalDnsOnThrottledNode,
  hostnetworkDnsBypass,
  autoModeNodeThrottled,
  nonCorednsNodeThrottled,
  nodelocalDnsAbsent,
  corednsReplicasManaged,
  enrichmentUnavailable,
];

/**
 * Pure diagnosis of one enriched alert group. A group with no firing alert (resolved) gets no findings:
 * a resolution notice needs no fix.
 */
export function diagnose(
  alerts: EnrichedAlert[],
  coredns: CoreDnsPlacement | null,
  enrichmentErrors: string[],
  options: { clusterName?: string; talkers?: NodeTalkers[] | null } = {},
): Diagnosis[] {
  const context = diagnosisContext(
    alerts,
    coredns,
    enrichmentErrors,
    options.clusterName,
    options.talkers ?? null,
  );
  if (context.firingCount === 0) return [];
  // A headroom warning is not a drop: the drop findings would call its nodes throttled. Its message carries
  // the advice (shared/deliver/slack/first-line.ts); only a failed enrichment is still worth saying.
  if (alerts.every((alert) => alert.labels.alertname === HEADROOM_ALERTNAME)) {
    const unavailable = enrichmentUnavailable.evaluate(context);
    return unavailable ? [unavailable] : [];
  }
  return DIAGNOSIS_RULES.map((rule) => rule.evaluate(context)).filter(
    (finding): finding is Diagnosis => finding !== null,
  );
}
