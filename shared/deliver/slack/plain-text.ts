import { cutText } from "../text.ts";
import type { SlackBlock, SlackMessage } from "./blocks.ts";

/**
 * Slack's limit on a message's `text` before it truncates; far above what a fallback needs.
 * https://api.slack.com/methods/chat.postMessage#truncating
 */
const PLAIN_TEXT_CHARS = 3_900;

/**
 * The same message without blocks, for when Slack refused the blocks (`invalid_blocks`, `invalid_payload`):
 * the texts of the sections and contexts, already escaped, one after another, so the alert still reaches
 * the channel. It says why it looks plain.
 */
export function plainTextVersion(message: SlackMessage, refusal: string): SlackMessage {
  const lines = [message.text, ...message.blocks.flatMap(blockTexts)];
  const note = `_Sent as plain text: Slack refused the formatted message (${refusal})._`;
  return { text: cutText([...lines, note].join("\n"), PLAIN_TEXT_CHARS), blocks: [] };
}

function blockTexts(block: SlackBlock): string[] {
  const texts: string[] = [];
  const record = block as unknown as Record<string, unknown>;
  const text = record.text as { text?: unknown } | undefined;
  if (typeof text?.text === "string") texts.push(text.text);
  for (const field of [...asArray(record.fields), ...asArray(record.elements)]) {
    const value = (field as { text?: unknown }).text;
    if (typeof value === "string") texts.push(value);
  }
  return texts;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
