import type { RedriveSummary } from "./redrive.ts";

export function formatRedriveSummary(summary: RedriveSummary, dryRun: boolean): string {
  const { redriven, failed, unreadable, wouldRedrive } = summary;
  return dryRun
    ? `dry run: ${wouldRedrive} would be redriven, ${unreadable} unreadable; nothing invoked or deleted`
    : `${redriven} redriven and deleted, ${failed} failed again, ${unreadable} unreadable (kept in the queue)`;
}
