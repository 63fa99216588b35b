/**
 * Text helpers shared by the sinks. Lengths are counted in UTF-16 code units (JavaScript's `length`), which
 * is never less than the number of characters Slack or PagerDuty count, so staying within a limit here stays
 * within theirs. Cuts happen only between grapheme clusters, so no surrogate pair, combining mark or emoji
 * sequence is split, and a cut is always marked.
 */

import { wellFormed } from "../well-formed.ts";

export const CUT_MARKER = "…";

/**
 * Made on the first cut, not at module load: creating a grapheme segmenter loads ICU's break-iterator data,
 * about 15 ms of every cold start, and most messages are never cut.
 */
let graphemeSegmenter: Intl.Segmenter | undefined;

export { wellFormed } from "../well-formed.ts";

/** Tabs and line breaks become spaces: for table cells and one-line fields. */
export function oneLine(text: string): string {
  return text.replace(/[\r\n\t\v\f\u2028\u2029]+/g, " ");
}

/** Slack's three control characters as entities; see https://docs.slack.dev/messaging/formatting-message-text#escaping */
export function escapeMrkdwn(text: string): string {
  return wellFormed(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * A value taken from an alert, for mrkdwn: escaped, and with the characters that would format it swapped for
 * look-alikes, so a label cannot open a code block that swallows the rest of the message (a triple backtick)
 * or turn text bold, italic or struck through. An underscore inside a word formats nothing and stays, so
 * `node_exporter` reads (and copies) as it is.
 */
export function escapeValue(text: string): string {
  return escapeMrkdwn(text)
    .replace(/`/g, "ˋ")
    .replace(/\*/g, "∗")
    .replace(/~/g, "∼")
    .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, "＿");
}

/** `escapeValue`, cut to `max` units without splitting an entity or a character. */
export function escapeValueAndCut(raw: string, max: number, marker: string = CUT_MARKER): string {
  return transformAndCut(raw, max, escapeValue, marker).text;
}

/**
 * A command inside a ``` block, copied and pasted as typed: only Slack's three control characters are escaped
 * (Slack shows them back as `&`, `<`, `>`), never the look-alikes of escapeValue (a code block formats
 * nothing). A backtick, which would close the block, becomes a plain quote; cut to `max` units.
 */
export function escapeCommandAndCut(raw: string, max: number): string {
  return escapeAndCut(raw.replace(/`/g, "'"), max);
}

/** Text inside a ``` block: escaped, and backticks swapped for a look-alike so the block cannot be closed early. */
export function escapeCode(text: string): string {
  return escapeMrkdwn(text).replace(/`/g, "ˋ");
}

export interface CutText {
  text: string;
  /** True when `text` is shorter than its source. */
  cut: boolean;
  /** Source characters (UTF-16 units) left out. */
  omitted: number;
}

/**
 * Transforms `raw` with `transform` and keeps as much as fits in `max` units together with `marker`. The
 * cut is made in `raw` on a grapheme boundary before transforming, so an escape never straddles it.
 * `transform` must act character by character (escaping does).
 */
export function transformAndCut(
  raw: string,
  max: number,
  transform: (text: string) => string = (text) => text,
  marker: string = CUT_MARKER,
): CutText {
  const whole = transform(raw);
  if (whole.length <= max) return { text: whole, cut: false, omitted: 0 };
  const budget = max - marker.length;
  if (budget < 0) return { text: "", cut: true, omitted: raw.length };
  // The longest prefix, in whole code points, whose transform fits; the transforms here act per code point.
  let end = 0;
  let length = 0;
  while (end < raw.length) {
    const width = (raw.codePointAt(end) ?? 0) > 0xffff ? 2 : 1;
    const pieceLength = transform(raw.slice(end, end + width)).length;
    if (length + pieceLength > budget) break;
    length += pieceLength;
    end += width;
  }
  end = graphemeBoundaryAtOrBefore(raw, end);
  return { text: transform(raw.slice(0, end)) + marker, cut: true, omitted: raw.length - end };
}

/** Graphemes longer than this (pathological stacks of combining marks) may be cut between code points. */
const BOUNDARY_WINDOW = 256;

/**
 * The last grapheme boundary at or before `index`. Only a window around `index` is segmented: Intl.Segmenter
 * gets slower per step the longer its input, so segmenting a 200 KB text whole takes seconds.
 */
function graphemeBoundaryAtOrBefore(text: string, index: number): number {
  if (index <= 0 || index >= text.length) return index;
  const start = Math.max(0, index - BOUNDARY_WINDOW);
  const window = text.slice(start, Math.min(text.length, index + BOUNDARY_WINDOW));
  let best = start === 0 ? 0 : -1;
  graphemeSegmenter ??= new Intl.Segmenter("en", { granularity: "grapheme" });
  for (const { index: offset } of graphemeSegmenter.segment(window)) {
    const position = start + offset;
    if (position > index) break;
    // The window's own start is not known to be a boundary unless it is the text's start.
    if (offset > 0 || start === 0) best = position;
  }
  return best === -1 ? index : best;
}

/** Cuts plain text to `max` units on a grapheme boundary, with a marker when it cuts. */
export function cutText(raw: string, max: number, marker: string = CUT_MARKER): string {
  return transformAndCut(wellFormed(raw), max, undefined, marker).text;
}

/** Escapes for mrkdwn and cuts to `max` units without splitting an entity or a character. */
export function escapeAndCut(raw: string, max: number, marker: string = CUT_MARKER): string {
  return transformAndCut(raw, max, escapeMrkdwn, marker).text;
}

/**
 * An http(s) URL fit to be a link target, or null. Credentials are dropped (they would show in the link),
 * and `|` is percent-encoded because Slack reads it as the end of the URL in `<url|label>`.
 */
export function safeHttpUrl(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  let parsed: URL;
  try {
    parsed = new URL(raw.trim());
  } catch {
    return null;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null;
  parsed.username = "";
  parsed.password = "";
  return parsed.href.replace(/\|/g, "%7C");
}
