import { expect } from "vitest";
import { findSlackLimitViolations, type SlackMessage } from "../../shared/deliver/slack/index.ts";

/** Links we write ourselves: `<http(s)://...|label>` with no raw control characters inside. */
const OUR_LINK = /<https?:\/\/[^\s|<>]+\|[^<>]*>/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Every string a Slack message shows: the fallback, header, section text and fields, context elements. */
export function slackTexts(message: SlackMessage): string[] {
  const texts = [message.text];
  for (const block of message.blocks) {
    if (block.type === "header") texts.push(block.text.text);
    if (block.type === "section") {
      if (block.text !== undefined) texts.push(block.text.text);
      for (const field of block.fields ?? []) texts.push(field.text);
    }
    if (block.type === "context") for (const element of block.elements) texts.push(element.text);
  }
  return texts;
}

/** Problems with Slack's control characters in one text: anything that could ping, link or break escaping. */
const OUR_DATE = /<!date\^\d+\^\{date_short_pretty\} \{time_secs\}\|[0-9T:.Z+-]+>/g;

export function escapingProblems(text: string): string[] {
  const problems: string[] = [];
  // Slack date formatting is ours too: a whole number of seconds and an RFC 3339 fallback, nothing from a label.
  const withoutLinks = text.replace(OUR_LINK, "").replace(OUR_DATE, "");
  if (/[<>]/.test(withoutLinks))
    problems.push(`raw < or > outside our links: ${JSON.stringify(withoutLinks.slice(0, 120))}`);
  for (const match of text.matchAll(/&/g)) {
    const rest = text.slice(match.index, match.index + 5);
    if (!/^&(amp|lt|gt);/.test(rest)) problems.push(`bare & at ${match.index}`);
  }
  for (const link of text.match(OUR_LINK) ?? []) {
    const url = link.slice(1, link.indexOf("|"));
    if (!/^https?:\/\//.test(url)) problems.push(`link to ${url}`);
  }
  if (LONE_SURROGATE.test(text)) problems.push("split surrogate pair");
  return problems;
}

/** Asserts every Block Kit limit and every escaping rule, and that the payload survives JSON. */
export function expectValidSlackMessage(message: SlackMessage): void {
  expect(findSlackLimitViolations(message)).toEqual([]);
  for (const block of message.blocks) {
    if (block.type === "section") {
      if (block.text !== undefined) expect(block.text.verbatim).toBe(true);
      for (const field of block.fields ?? []) expect(field.verbatim).toBe(true);
    }
  }
  const problems = slackTexts(message).flatMap(escapingProblems);
  expect(problems).toEqual([]);
  expect(JSON.parse(JSON.stringify(message))).toEqual(message);
}
