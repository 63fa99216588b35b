import type { VerificationReport } from "./verification.ts";

/**
 * The verification's outcome in two words, the same in Slack and PagerDuty: nothing judged (AMP not asked, or
 * no series for any node still in question) is "Not verified", never a green "Drops stopped".
 */
export function verificationHeadline(report: VerificationReport): string {
  if (report.checked && report.stopped) return "Drops stopped";
  if (report.checked && report.nodes.some((node) => node.state === "dropping")) return "Still dropping";
  return "Not verified";
}
