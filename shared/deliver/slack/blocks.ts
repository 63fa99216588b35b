/**
 * The Block Kit subset this product sends. Kept local (rather than importing @slack/types, which is only a
 * transitive dependency) and structurally compatible with what @slack/webhook accepts.
 */
export interface PlainText {
  type: "plain_text";
  text: string;
  emoji?: boolean;
}

export interface MrkdwnText {
  type: "mrkdwn";
  text: string;
  /**
   * Always true here: Slack then skips its automatic parsing of URLs, channel names and mentions, so only
   * the `<url|label>` links we write ourselves become links.
   * https://docs.slack.dev/reference/block-kit/composition-objects/text-object
   */
  verbatim: true;
}

export type TextObject = PlainText | MrkdwnText;

export interface HeaderBlock {
  type: "header";
  text: PlainText;
}

export interface SectionBlock {
  type: "section";
  text?: MrkdwnText;
  fields?: MrkdwnText[];
}

export interface ContextBlock {
  type: "context";
  elements: TextObject[];
}

export interface DividerBlock {
  type: "divider";
}

export type SlackBlock = HeaderBlock | SectionBlock | ContextBlock | DividerBlock;

/** The webhook body: `text` is the notification fallback, `blocks` what the channel shows. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

export function mrkdwn(text: string): MrkdwnText {
  return { type: "mrkdwn", text, verbatim: true };
}

export function header(text: string): HeaderBlock {
  return { type: "header", text: { type: "plain_text", text, emoji: true } };
}

export function section(text: string): SectionBlock {
  return { type: "section", text: mrkdwn(text) };
}

export function fieldsSection(fields: string[]): SectionBlock {
  return { type: "section", fields: fields.map(mrkdwn) };
}

export function context(texts: string[]): ContextBlock {
  return { type: "context", elements: texts.map(mrkdwn) };
}

export const divider: DividerBlock = { type: "divider" };
