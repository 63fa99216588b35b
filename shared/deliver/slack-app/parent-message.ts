import type { ScaleReport, VerificationReport } from "../../model/index.ts";
import { verificationHeadline } from "../../model/verification-headline.ts";
import { context, type SlackBlock, type SlackMessage } from "../slack/blocks.ts";
import { capBlocks } from "../slack/common-blocks.ts";
import { SlackLimits } from "../slack/limits.ts";
import { fitLines, slackLink } from "../slack/pack.ts";
import { escapeAndCut, oneLine } from "../text.ts";

/**
 * The incident's parent message: the group as rendered, with one status line under its title saying what
 * the pipeline did and found since (each follow-up's details are in the thread), and a link to the message
 * it replaces when Slack would not let the old one be edited.
 */
export function parentMessage(
  rendered: SlackMessage,
  statuses: readonly string[],
  follows: FollowedMessage | null,
): SlackMessage {
  const blocks: SlackBlock[] = [...rendered.blocks];
  const at = blocks[0]?.type === "header" ? 1 : 0;
  const added: SlackBlock[] = [];
  if (statuses.length > 0)
    added.push(context([fitLines([statuses.join(" · ")], SlackLimits.contextTextChars)]));
  const link = slackLink(follows?.permalink, "the earlier message");
  if (link !== null && follows !== null)
    added.push(context([`:link: Follows ${link} of this incident: ${FOLLOWS_BECAUSE[follows.because]}`]));
  blocks.splice(at, 0, ...added);
  return { text: rendered.text, blocks: capBlocks(blocks) };
}

/** Why a new parent was posted instead of the old one updated. */
export const FOLLOWS_BECAUSE = {
  "edit-refused": "Slack no longer lets the app edit it (deleted, or past the edit window)",
  "answer-lost": "Slack's answer to that post never arrived, so it cannot be edited",
  refired: "it resolved, and the alert fired again since",
} as const;

export interface FollowedMessage {
  permalink: string | null;
  because: keyof typeof FOLLOWS_BECAUSE;
}

/** "scaled CoreDNS 2 to 4": the scale report's line on the parent. */
export function scaleStatus(report: ScaleReport): string {
  const replicas = `${report.from ?? "?"} to ${report.to ?? "?"}`;
  switch (report.action) {
    case "scaled":
      return `:arrow_up: scaled CoreDNS ${replicas}`;
    case "would-scale":
      return `:test_tube: would scale CoreDNS ${replicas} (dry run)`;
    case "refused":
      return `:no_entry_sign: scale-up refused${report.guardrail ? ` (\`${escapeAndCut(oneLine(report.guardrail), 60)}\`)` : ""}`;
    default:
      return ":fast_forward: scale-up skipped";
  }
}

/** "drops stopped 03:14" (the last drop seen, in the reader's time zone): the verification's line. */
export function verificationStatus(report: VerificationReport): string {
  const headline = verificationHeadline(report);
  if (headline === "Drops stopped") {
    const last = Math.max(0, ...report.nodes.map((node) => (node.state === "stopped" ? node.lastDropAt : 0)));
    const at = last > 0 ? last : Math.floor(Date.parse(report.checkedAt) / 1000);
    return `:white_check_mark: drops stopped ${Number.isFinite(at) ? slackTime(at) : ""}`.trim();
  }
  if (headline === "Still dropping")
    return `:warning: still dropping at ${slackTime(Math.floor(Date.parse(report.checkedAt) / 1000))}`;
  return ":grey_question: not verified";
}

/** Slack's time formatting, shown in the reader's zone, with the UTC time as fallback. */
function slackTime(epochSeconds: number): string {
  if (!Number.isFinite(epochSeconds)) return "";
  const iso = new Date(epochSeconds * 1000).toISOString();
  return `<!date^${epochSeconds}^{date_short_pretty} {time_secs}|${iso}>`;
}
