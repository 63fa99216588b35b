/**
 * Text helpers shared by the sinks. Lengths are counted in UTF-16 code units (JavaScript's `length`), which
 * is never less than the number of characters Slack or PagerDuty count, so staying within a limit here stays
 * within theirs. Cuts happen only between grapheme clusters, so no surrogate pair, combining mark or emoji
 * sequence is split, and a cut is always marked.
 */

export const CUT_MARKER = "…";

const graphemeSegmenter = new Intl.Segmenter("en", { granularity: "grapheme" });
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Replaces unpaired surrogates (possible in JSON input) with U+FFFD so the payload is valid UTF-8. */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, "\uFFFD");
}

/** Tabs and line breaks become spaces: for table cells and one-line fields. */
export function oneLine(text: string): string {
  return text.replace(/[\r\n\t\v\f\u2028\u2029]+/g, " ");
}

/** Slack's three control characters as entities; see https://docs.slack.dev/messaging/formatting-message-text#escaping */
export function escapeMrkdwn(text: string): string {
  return wellFormed(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
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
 * Transforms `raw` with `transform` (applied per grapheme, so escapes never straddle the cut) and keeps as
 * much as fits in `max` units together with `marker`. `transform` must never shorten its input.
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
  let kept = "";
  let consumed = 0;
  // Segmenting a huge string is slow, so only a window is segmented. Every transform here makes text no
  // shorter, so what is kept comes from the first `budget` units; the window's last segment (possibly a
  // split cluster) ends past `budget` and can never be kept.
  const window = raw.length > budget + 64 ? raw.slice(0, budget + 64) : raw;
  for (const { segment } of graphemeSegmenter.segment(window)) {
    const piece = transform(segment);
    if (kept.length + piece.length > budget) break;
    kept += piece;
    consumed += segment.length;
  }
  return { text: kept + marker, cut: true, omitted: raw.length - consumed };
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
