import type { VerificationReport } from "../../model/index.ts";
import { verificationHeadline } from "../../model/verification-headline.ts";
import { escapeAndCut, escapeValueAndCut, oneLine } from "../text.ts";
import { context, header, type SlackMessage, section } from "./blocks.ts";
import { capBlocks } from "./common-blocks.ts";
import { SlackLimits } from "./limits.ts";

const NODES_SHOWN = 20;

/** The follow-up of an alert group: whether the drops stopped, node by node. */
export function renderVerification(report: VerificationReport): SlackMessage {
  const cluster = report.cluster ?? "unknown cluster";
  const headline = verificationHeadline(report);
  const icon =
    { "Drops stopped": ":white_check_mark:", "Still dropping": ":warning:" }[headline] ?? ":grey_question:";
  const title = `${icon} ${headline} · ${cluster}`;
  const lines = report.nodes.slice(0, NODES_SHOWN).map((verdict) => {
    const node = `\`${escapeAndCut(oneLine(verdict.node), 120)}\``;
    if (verdict.state === "dropping") return `• ${node} still dropping (${verdict.rate.toFixed(1)}/s)`;
    if (verdict.state === "stopped")
      return `• ${node} last drop <!date^${verdict.lastDropAt}^{date_short_pretty} {time_secs}|${new Date(verdict.lastDropAt * 1000).toISOString()}>`;
    if (verdict.state === "no-data") return `• ${node} no drop counter in AMP under this cluster and node`;
    return `• ${node} no drops in the window`;
  });
  if (report.nodes.length > NODES_SHOWN) lines.push(`… and ${report.nodes.length - NODES_SHOWN} more`);
  const next = report.next ? `\n*Next:* ${escapeValueAndCut(report.next, 1000)}` : "";
  return {
    text: escapeAndCut(
      oneLine(`${headline} on ${cluster}: ${report.summary}`),
      SlackLimits.fallbackTextChars,
    ),
    blocks: capBlocks([
      header(escapeAndCut(oneLine(title), SlackLimits.headerTextChars)),
      section(`${escapeValueAndCut(report.summary, 1000)}${next}`),
      ...(lines.length > 0 ? [section(lines.join("\n"))] : []),
      context([
        `linklocal-sentinel · checked in AMP at ${escapeAndCut(report.checkedAt, 40)} · follows up message \`${escapeAndCut(oneLine(report.messageId), 100)}\``,
      ]),
    ]),
  };
}
