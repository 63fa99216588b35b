import type { EnrichedAlertGroup } from "../../model/index.ts";
import { escapeAndCut, escapeCode, escapeValueAndCut, oneLine, transformAndCut } from "../text.ts";
import { context, header, type SlackBlock, type SlackMessage, section } from "./blocks.ts";
import { capBlocks, footer } from "./common-blocks.ts";
import { SlackLimits } from "./limits.ts";

const CODE_OPEN = "```\n";
const CODE_CLOSE = "\n```";
const RAW_CUT_MARKER = "\n… [cut]";

/**
 * A message we could not parse, shown as it arrived so nobody misses an alert: the reason, the SNS subject,
 * and the text in a code block (escaped, backticks neutralised, cut on a character boundary with a marker).
 */
export function renderRawFallback(group: EnrichedAlertGroup): SlackMessage {
  const raw = group.raw;
  const reason = raw?.reason ?? "unknown reason";
  const body = transformAndCut(
    raw?.text ?? "",
    SlackLimits.sectionTextChars - CODE_OPEN.length - CODE_CLOSE.length,
    escapeCode,
    RAW_CUT_MARKER,
  );
  const lines = [`*Why it could not be parsed:* ${escapeValueAndCut(oneLine(reason), 1000)}`];
  if (group.source.subject !== null)
    lines.push(`*Subject:* ${escapeValueAndCut(oneLine(group.source.subject), 300)}`);
  const blocks: SlackBlock[] = [
    header(
      escapeAndCut(
        ":grey_question: Unparsed alert message (delivered as received)",
        SlackLimits.headerTextChars,
      ),
    ),
    section(lines.join("\n")),
    section(`${CODE_OPEN}${body.text === "" ? " " : body.text}${CODE_CLOSE}`),
  ];
  if (body.cut || raw?.cut === true) {
    const notes: string[] = [];
    if (raw?.cut === true) notes.push("the text was already cut in transit");
    if (body.cut) notes.push(`${body.omitted} more characters not shown here`);
    blocks.push(context([`:scissors: ${notes.join("; ")}`]));
  }
  blocks.push(footer(group));
  return {
    text: escapeValueAndCut(oneLine(`UNPARSED alert message: ${reason}`), SlackLimits.fallbackTextChars),
    blocks: capBlocks(blocks),
  };
}
