import type { SlackBlock, SlackMessage, TextObject } from "./slack/blocks.ts";
import { safeHttpUrl } from "./text.ts";

/**
 * Previews for the CLI's --dry-run: a Block Kit Builder link that opens the exact blocks in Slack's own
 * renderer, and a self-contained HTML page approximating how the message looks (for when the payload is too
 * large for a URL, or offline). Pure functions.
 */
export const BLOCK_KIT_BUILDER_URL = "https://app.slack.com/block-kit-builder#";

export function blockKitBuilderUrl(message: SlackMessage): string {
  return BLOCK_KIT_BUILDER_URL + encodeURIComponent(JSON.stringify({ blocks: message.blocks }));
}

const EMOJI: Record<string, string> = {
  rotating_light: "🚨",
  white_check_mark: "✅",
  grey_question: "❔",
  warning: "⚠️",
  information_source: "ℹ️",
  scissors: "✂️",
  no_entry_sign: "🚫",
  test_tube: "🧪",
  arrow_up: "⬆️",
  dart: "🎯",
  fast_forward: "⏩",
  link: "🔗",
};

const STYLE = [
  "body{font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Helvetica,Arial,sans-serif;background:#f8f8f8;margin:2em}",
  ".message{background:#fff;border:1px solid #ddd;border-radius:8px;padding:16px;max-width:760px}",
  ".notification{color:#616061;font-size:12px;margin-bottom:12px}",
  "h1{font-size:18px;margin:4px 0 8px}",
  ".section{margin:8px 0;line-height:1.45}",
  ".fields{display:grid;grid-template-columns:1fr 1fr;gap:8px;margin:8px 0}",
  ".context{color:#616061;font-size:12px;margin:6px 0}",
  "pre{background:#f6f6f6;border:1px solid #ddd;border-radius:4px;padding:8px;overflow-x:auto;font-size:12px}",
  "code{background:#f6f6f6;border:1px solid #ddd;border-radius:3px;padding:0 2px;color:#c01343}",
  "hr{border:none;border-top:1px solid #ddd}",
].join("");

/** A complete HTML document; a strict Content-Security-Policy keeps it inert even if opened from disk. */
export function renderSlackHtmlPreview(message: SlackMessage): string {
  const body = message.blocks.map(blockHtml).join("\n");
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    "<title>Slack message preview</title>",
    `<style>${STYLE}</style></head><body>`,
    '<div class="message">',
    `<div class="notification">Notification text: ${inlineHtml(message.text)}</div>`,
    body,
    "</div></body></html>",
  ].join("\n");
}

/**
 * A message and the replies in its thread, as Slack shows them side by side: Slack app mode's incident
 * message with its scale report and verification (docs/slack-app-mode.png).
 */
export function renderSlackThreadHtmlPreview(parent: SlackMessage, replies: readonly SlackMessage[]): string {
  const message = (m: SlackMessage) => `<div class="message">${m.blocks.map(blockHtml).join("\n")}</div>`;
  const count = `${replies.length} ${replies.length === 1 ? "reply" : "replies"}`;
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    "<title>Slack thread preview</title>",
    `<style>${STYLE}${THREAD_STYLE}</style></head><body><div class="thread">`,
    `<div class="column"><div class="label">Channel</div>${message(parent)}<div class="context">${count}</div></div>`,
    `<div class="column"><div class="label">Thread · ${count}</div>${replies.map(message).join("\n")}</div>`,
    "</div></body></html>",
  ].join("\n");
}

const THREAD_STYLE = [
  ".thread{display:flex;gap:16px;align-items:flex-start}",
  ".column{flex:1;min-width:0}",
  ".column .message{margin-bottom:12px}",
  ".label{font-weight:700;color:#616061;margin:4px 0 8px}",
].join("");

function blockHtml(block: SlackBlock): string {
  switch (block.type) {
    case "header":
      return `<h1>${plainHtml(block.text.text)}</h1>`;
    case "section": {
      const parts: string[] = [];
      if (block.text !== undefined) parts.push(`<div class="section">${textHtml(block.text)}</div>`);
      if (block.fields !== undefined && block.fields.length > 0) {
        parts.push(
          `<div class="fields">${block.fields.map((field) => `<div>${textHtml(field)}</div>`).join("")}</div>`,
        );
      }
      return parts.join("\n");
    }
    case "context":
      return `<div class="context">${block.elements.map(textHtml).join(" ")}</div>`;
    case "divider":
      return "<hr>";
    default:
      return "";
  }
}

function textHtml(object: TextObject): string {
  return object.type === "plain_text" ? plainHtml(object.text) : mrkdwnToHtml(object.text);
}

/** Slack's three entities back to characters, so they can be HTML-escaped once. */
function decodeSlack(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

function emojiHtml(escaped: string): string {
  return escaped.replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => EMOJI[name] ?? whole);
}

function plainHtml(text: string): string {
  return emojiHtml(escapeHtml(decodeSlack(text)));
}

/**
 * An approximation of Slack's mrkdwn: ``` blocks, `code`, <url|label> links (http/https only), *bold*,
 * _italic_, ~strike~, line breaks. Everything else is shown as text.
 */
export function mrkdwnToHtml(text: string): string {
  return text
    .split(/```/)
    .map((part, index) =>
      index % 2 === 1
        ? `<pre>${escapeHtml(decodeSlack(part.replace(/^\n|\n$/g, "")))}</pre>`
        : inlineHtml(part),
    )
    .join("");
}

/** A link, bold code (`*\`CODE\`*`, as diagnosis codes are shown), code, or a Slack date (`<!date^...|fallback>`). */
const INLINE_TOKEN =
  /<(https?:\/\/[^|>\s]+)(?:\|([^>]*))?>|\*`([^`\n]+)`\*|`([^`\n]+)`|<!date\^(\d+)\^[^|>]*\|([^>]*)>/g;

function inlineHtml(text: string): string {
  let html = "";
  let last = 0;
  for (const match of text.matchAll(INLINE_TOKEN)) {
    html += styledHtml(text.slice(last, match.index));
    const [, url, label, boldCode, code, epoch, fallback] = match;
    if (epoch !== undefined) {
      // Slack shows the reader's local time; the preview shows UTC, to the second.
      const when = new Date(Number(epoch) * 1000)
        .toISOString()
        .replace("T", " ")
        .replace(/\.\d+Z$/, " UTC");
      html += `<time datetime="${escapeHtml(decodeSlack(fallback ?? ""))}">${escapeHtml(when)}</time>`;
    } else if (boldCode !== undefined) {
      html += `<b><code>${escapeHtml(decodeSlack(boldCode))}</code></b>`;
    } else if (code !== undefined) {
      html += `<code>${escapeHtml(decodeSlack(code))}</code>`;
    } else {
      const href = safeHttpUrl(decodeSlack(url ?? ""));
      const shown = plainHtml(label ?? url ?? "");
      html += href === null ? shown : `<a href="${escapeHtml(href)}" rel="noopener noreferrer">${shown}</a>`;
    }
    last = match.index + match[0].length;
  }
  return html + styledHtml(text.slice(last));
}

function styledHtml(text: string): string {
  return emojiHtml(escapeHtml(decodeSlack(text)))
    .replace(/\*([^*\n]+)\*/g, "<b>$1</b>")
    .replace(/(^|[\s(])_([^_\n]+)_/g, "$1<i>$2</i>")
    .replace(/~([^~\n]+)~/g, "<s>$1</s>")
    .replace(/\n/g, "<br>");
}
