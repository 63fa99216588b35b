import type { VerificationReport } from "../../model/index.ts";
import { escapeAndCut, escapeValueAndCut, oneLine } from "../text.ts";
import { context, header, type SlackMessage, section } from "./blocks.ts";
import { capBlocks } from "./common-blocks.ts";
import { SlackLimits } from "./limits.ts";

const NODES_SHOWN = 20;

/** The follow-up of an alert group: whether the drops stopped, node by node. */
export function renderVerification(report: VerificationReport): SlackMessage {
  const cluster = report.cluster ?? "unknown cluster";
  const title = report.stopped
    ? `:white_check_mark: Drops stopped · ${cluster}`
    : `:warning: Still dropping · ${cluster}`;
  const lines = report.nodes.slice(0, NODES_SHOWN).map((verdict) => {
    const node = `\`${escapeAndCut(oneLine(verdict.node), 120)}\``;
    if (verdict.state === "dropping") return `• ${node} still dropping (${verdict.rate.toFixed(1)}/s)`;
    if (verdict.state === "stopped")
      return `• ${node} last drop <!date^${verdict.lastDropAt}^{date_short_pretty} {time_secs}|${new Date(verdict.lastDropAt * 1000).toISOString()}>`;
    return `• ${node} no drops in the window`;
  });
  if (report.nodes.length > NODES_SHOWN) lines.push(`… and ${report.nodes.length - NODES_SHOWN} more`);
  const next = report.stopped
    ? ""
    : "\n*Next:* the fix did not take on these nodes yet: read the finding of the first message again, and its runbook section";
  return {
    text: escapeAndCut(
      oneLine(`${report.stopped ? "Drops stopped" : "Still dropping"} on ${cluster}: ${report.summary}`),
      SlackLimits.fallbackTextChars,
    ),
    blocks: capBlocks([
      header(escapeAndCut(oneLine(title), SlackLimits.headerTextChars)),
      section(`${escapeValueAndCut(report.summary, 1000)}${next}`),
      section(lines.join("\n")),
      context([
        `linklocal-sentinel · checked in AMP at ${escapeAndCut(report.checkedAt, 40)} · follows up message \`${escapeAndCut(oneLine(report.messageId), 100)}\``,
      ]),
    ]),
  };
}
