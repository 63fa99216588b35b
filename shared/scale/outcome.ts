import type { ScaleOutcome, ScaleReport } from "../model/index.ts";

/** The report's `scale` field (DESIGN.md "Interfaces"): the decision without the notifier's extras. */
export function scaleOutcome(report: ScaleReport): ScaleOutcome {
  const { mode, owner, action, from, to, reason, guardrail, landedOn } = report;
  return { mode, owner, action, from, to, reason, guardrail, landedOn };
}
