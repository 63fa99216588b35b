import type { EnrichedAlertGroup } from "../../model/index.ts";
import { cutText, escapeAndCut, escapeCode, oneLine } from "../text.ts";
import { context, type SlackBlock } from "./blocks.ts";
import { SlackLimits } from "./limits.ts";

/** Pieces every Slack message of this product ends with or is bounded by. */

export function footer(group: Pick<EnrichedAlertGroup, "source">): SlackBlock {
  return context([
    `linklocal-sentinel · message \`${escapeCode(cutText(oneLine(group.source.messageId), 100))}\` · format ${escapeAndCut(group.source.format, 40)}`,
  ]);
}

/** Last guard: never more blocks than Slack takes, whatever a future change adds. */
export function capBlocks(blocks: SlackBlock[]): SlackBlock[] {
  if (blocks.length <= SlackLimits.blocksPerMessage) return blocks;
  const kept = blocks.slice(0, SlackLimits.blocksPerMessage - 1);
  kept.push(context([`+${countOf(blocks.length - kept.length, "more block")} not shown`]));
  return kept;
}

export function countOf(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
