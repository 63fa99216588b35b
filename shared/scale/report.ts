import type { EnrichedAlertGroup, ScaleMode, ScaleReport } from "../model/index.ts";
import { Sink } from "../model/index.ts";
import { firingNodeNames, firstFiringAt } from "../verify/follow-up-target.ts";
import type { Verdict } from "./decide.ts";

/** A verdict as the report notifiers render; it goes to Slack, and to PagerDuty when the group went there. */
export function toReport(
  group: EnrichedAlertGroup,
  mode: ScaleMode,
  verdict: Verdict,
  extra: Pick<ScaleReport, "owner" | "ownerDetail" | "decidedAt"> & Partial<ScaleReport>,
): ScaleReport {
  return {
    schemaVersion: 1,
    kind: "scale-report",
    mode,
    action: verdict.action,
    from: verdict.from,
    to: verdict.to,
    reason: verdict.reason,
    guardrail: verdict.guardrail,
    landedOn: [],
    landed: [],
    cluster: group.cluster,
    alertname: group.alertname,
    messageId: group.source.messageId,
    routes: group.routes.includes(Sink.pagerduty) ? [Sink.slack, Sink.pagerduty] : [Sink.slack],
    nodes: firingNodeNames(group),
    firstFiringAt: firstFiringAt(group),
    ...extra,
  };
}
