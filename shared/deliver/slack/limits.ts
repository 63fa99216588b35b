import type { SlackBlock, SlackMessage, TextObject } from "./blocks.ts";

/**
 * Slack's Block Kit limits, counted in characters. We count UTF-16 units, which is never fewer.
 */
export const SlackLimits = {
  /** https://docs.slack.dev/reference/block-kit/blocks ("up to 50 blocks in each message") */
  blocksPerMessage: 50,
  /** https://docs.slack.dev/reference/block-kit/blocks/section-block */
  sectionTextChars: 3000,
  /** https://docs.slack.dev/reference/block-kit/blocks/section-block */
  sectionFields: 10,
  /** https://docs.slack.dev/reference/block-kit/blocks/section-block */
  fieldTextChars: 2000,
  /** https://docs.slack.dev/reference/block-kit/blocks/header-block */
  headerTextChars: 150,
  /** https://docs.slack.dev/reference/block-kit/blocks/context-block */
  contextElements: 10,
  /** https://docs.slack.dev/reference/block-kit/composition-objects/text-object (3000 for any text object) */
  contextTextChars: 3000,
  /**
   * Top-level `text` is cut by Slack at 40,000 characters (https://docs.slack.dev/reference/methods/chat.postMessage);
   * it is only the notification fallback here, so we keep it far shorter.
   */
  fallbackTextChars: 300,
} as const;

export interface SlackLimitViolation {
  /** JSON-path-like location: `blocks[3].fields[2].text`. */
  path: string;
  problem: string;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Walks a message and lists every Block Kit limit it breaks (empty when valid). Used by the tests on every
 * rendered message and by the CLI's dry run to show what would be refused.
 */
export function findSlackLimitViolations(message: SlackMessage): SlackLimitViolation[] {
  const violations: SlackLimitViolation[] = [];
  const report = (path: string, problem: string) => violations.push({ path, problem });
  checkText("text", message.text, SlackLimits.fallbackTextChars, report);
  if (message.text.trim() === "") report("text", "empty fallback text");
  if (message.blocks.length > SlackLimits.blocksPerMessage) {
    report("blocks", `${message.blocks.length} blocks, over ${SlackLimits.blocksPerMessage}`);
  }
  message.blocks.forEach((block, index) => {
    checkBlock(`blocks[${index}]`, block, report);
  });
  return violations;
}

type Report = (path: string, problem: string) => void;

function checkBlock(path: string, block: SlackBlock, report: Report): void {
  switch (block.type) {
    case "header":
      if (block.text.type !== "plain_text") report(`${path}.text`, "header text must be plain_text");
      checkText(`${path}.text.text`, block.text.text, SlackLimits.headerTextChars, report);
      return;
    case "section": {
      if (block.text === undefined && (block.fields === undefined || block.fields.length === 0)) {
        report(path, "section without text or fields");
      }
      if (block.text !== undefined)
        checkTextObject(`${path}.text`, block.text, SlackLimits.sectionTextChars, report);
      const fields = block.fields ?? [];
      if (fields.length > SlackLimits.sectionFields)
        report(`${path}.fields`, `${fields.length} fields, over ${SlackLimits.sectionFields}`);
      fields.forEach((field, index) => {
        checkTextObject(`${path}.fields[${index}]`, field, SlackLimits.fieldTextChars, report);
      });
      return;
    }
    case "context":
      if (block.elements.length === 0) report(`${path}.elements`, "context without elements");
      if (block.elements.length > SlackLimits.contextElements) {
        report(`${path}.elements`, `${block.elements.length} elements, over ${SlackLimits.contextElements}`);
      }
      block.elements.forEach((element, index) => {
        checkTextObject(`${path}.elements[${index}]`, element, SlackLimits.contextTextChars, report);
      });
      return;
    case "divider":
      return;
    default:
      report(path, `unknown block type ${String((block as { type?: unknown }).type)}`);
  }
}

function checkTextObject(path: string, object: TextObject, max: number, report: Report): void {
  if (object.type !== "plain_text" && object.type !== "mrkdwn")
    report(path, `unknown text type ${String((object as { type?: unknown }).type)}`);
  checkText(`${path}.text`, object.text, max, report);
}

function checkText(path: string, text: string, max: number, report: Report): void {
  if (text.length === 0) report(path, "empty text");
  if (text.length > max) report(path, `${text.length} characters, over ${max}`);
  if (LONE_SURROGATE.test(text)) report(path, "unpaired surrogate (split character)");
}
