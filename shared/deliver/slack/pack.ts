import { escapeAndCut, escapeValueAndCut, safeHttpUrl } from "../text.ts";

/**
 * Packs whole lines into as few texts as possible, each at most `maxChars` once `wrap` adds its prefix and
 * suffix, and at most `maxTexts` of them. Lines are never split: a line that does not fit goes to the next
 * text, and what does not fit at all is counted in `omitted` for the caller's "+N more" line.
 */
export function packLines(
  lines: readonly string[],
  options: { maxChars: number; maxTexts: number; prefix?: string; suffix?: string },
): { texts: string[]; omitted: number } {
  const prefix = options.prefix ?? "";
  const suffix = options.suffix ?? "";
  const room = options.maxChars - prefix.length - suffix.length;
  const texts: string[] = [];
  let current: string[] = [];
  let currentLength = 0;
  let used = 0;
  for (const line of lines) {
    if (line.length > room) break;
    const added = current.length === 0 ? line.length : line.length + 1;
    if (currentLength + added > room) {
      if (texts.length + 1 >= options.maxTexts) break;
      texts.push(prefix + current.join("\n") + suffix);
      current = [];
      currentLength = 0;
    }
    currentLength += current.length === 0 ? line.length : line.length + 1;
    current.push(line);
    used++;
  }
  if (current.length > 0) texts.push(prefix + current.join("\n") + suffix);
  return { texts, omitted: lines.length - used };
}

/** Joins lines, dropping whole lines from the end (with a marker line) until the text fits in `max`. */
export function fitLines(lines: readonly string[], max: number, marker = "…"): string {
  const kept: string[] = [];
  let length = 0;
  for (const [index, line] of lines.entries()) {
    const added = (kept.length === 0 ? 0 : 1) + line.length;
    const isLast = index === lines.length - 1;
    const reserve = isLast ? 0 : marker.length + 1;
    if (length + added + reserve > max) {
      kept.push(marker);
      return kept.join("\n");
    }
    kept.push(line);
    length += added;
  }
  return kept.join("\n");
}

/** `<url|label>` with a validated http(s) URL and an escaped label; null when the URL is unusable. */
export function slackLink(
  rawUrl: string | null | undefined,
  label: string,
  maxUrlChars = 1500,
): string | null {
  const url = safeHttpUrl(rawUrl);
  if (url === null) return null;
  const escapedUrl = url.replace(/&/g, "&amp;").replace(/</g, "%3C").replace(/>/g, "%3E");
  if (escapedUrl.length > maxUrlChars) return null;
  return `<${escapedUrl}|${escapeAndCut(label, 100)}>`;
}

/** A list of names, at most `max` of them, escaped and each cut, with "+N more". */
export function nameList(names: readonly string[], max = 10, code = true): string {
  const shown = names.slice(0, max).map((name) => {
    const escaped = escapeValueAndCut(name, 80);
    return code ? `\`${escaped.replace(/`/g, "ˋ")}\`` : escaped;
  });
  const more = names.length - shown.length;
  return more > 0 ? `${shown.join(", ")} +${more} more` : shown.join(", ");
}
