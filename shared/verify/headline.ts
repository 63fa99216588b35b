import type { VerificationReport } from "../model/index.ts";

/** The verification's outcome in two words, the same in Slack and PagerDuty. */
export function verificationHeadline(report: VerificationReport): string {
  if (!report.checked) return "Not verified";
  return report.stopped ? "Drops stopped" : "Still dropping";
}
