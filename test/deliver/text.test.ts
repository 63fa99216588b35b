import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { redactSecrets, redactUrl } from "../../shared/deliver/redact.ts";
import {
  CUT_MARKER,
  cutText,
  escapeAndCut,
  escapeCode,
  escapeMrkdwn,
  safeHttpUrl,
  transformAndCut,
  wellFormed,
} from "../../shared/deliver/text.ts";
import { escapingProblems } from "../support/deliver-slack-checks.ts";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const controlHeavy = fc.string({
  unit: fc.constantFrom(
    "<",
    ">",
    "&",
    "|",
    "!",
    "@",
    "`",
    "*",
    "a",
    "é",
    "🚨",
    "\n",
    "amp;",
    "lt;",
    "\ud800",
    "\udc00",
  ),
  maxLength: 400,
});
const anyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.string({ unit: "grapheme", maxLength: 300 }),
  controlHeavy,
);

const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

/** Undoes escapeMrkdwn, to prove escaping loses nothing. */
const unescapeMrkdwn = (text: string) =>
  text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

describe("escapeMrkdwn", () => {
  it("turns Slack's control characters into entities", () => {
    expect(escapeMrkdwn("<!channel> & <@U1> <https://evil|docs>")).toBe(
      "&lt;!channel&gt; &amp; &lt;@U1&gt; &lt;https://evil|docs&gt;",
    );
  });

  it("property: no raw < or >, every & starts an entity, and unescaping gives the (well-formed) input back", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const escaped = escapeMrkdwn(text);
        expect(escapingProblems(escaped)).toEqual([]);
        expect(unescapeMrkdwn(escaped)).toBe(wellFormed(text));
      }),
    );
  });

  it("escapeCode also neutralises backticks so a code block cannot be closed", () => {
    expect(escapeCode("```x```")).not.toContain("`");
  });
});

describe("cutting", () => {
  it("keeps short text as it is", () => {
    expect(cutText("short", 10)).toBe("short");
    expect(transformAndCut("short", 10)).toEqual({ text: "short", cut: false, omitted: 0 });
  });

  it("cuts between characters, never inside a surrogate pair or an emoji sequence, and marks the cut", () => {
    expect(cutText("🚨🚨🚨", 4)).toBe(`🚨${CUT_MARKER}`);
    expect(cutText("👩‍👩‍👧‍👦👩‍👩‍👧‍👦", 12)).toBe(`👩‍👩‍👧‍👦${CUT_MARKER}`);
    expect(cutText("e\u0301e\u0301e\u0301", 4)).toBe(`e\u0301${CUT_MARKER}`);
  });

  it("never cuts inside an entity", () => {
    const cut = escapeAndCut("a&&&&&&&&", 9);
    expect(cut).toBe(`a&amp;${CUT_MARKER}`);
  });

  it("property: escapeAndCut fits, is well-formed, stays escaped, and is a prefix of the full escape", () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 1, max: 400 }), (text, max) => {
        const cut = escapeAndCut(text, max);
        expect(cut.length).toBeLessThanOrEqual(max);
        expect(LONE_SURROGATE.test(cut)).toBe(false);
        expect(escapingProblems(cut)).toEqual([]);
        const full = escapeMrkdwn(text);
        if (full.length <= max) expect(cut).toBe(full);
        else {
          expect(cut.endsWith(CUT_MARKER)).toBe(true);
          expect(full.startsWith(cut.slice(0, -CUT_MARKER.length))).toBe(true);
        }
      }),
    );
  });

  it("property: cutText keeps as much as fits (within one grapheme of the limit)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 200 }),
        fc.integer({ min: 2, max: 200 }),
        (text, max) => {
          const cut = cutText(text, max);
          expect(cut.length).toBeLessThanOrEqual(max);
          if (text.length > max) {
            const longest = Math.max(...[...graphemes.segment(text)].map(({ segment }) => segment.length));
            expect(cut.length).toBeGreaterThanOrEqual(max - longest);
          }
        },
      ),
    );
  });
});

describe("safeHttpUrl", () => {
  it.each([
    ["https://grafana.example.com/d/abc?var=1&x=2", "https://grafana.example.com/d/abc?var=1&x=2"],
    ["http://prom:9090/graph?g0.expr=a|b", "http://prom:9090/graph?g0.expr=a%7Cb"],
    ["https://user:pass@example.com/x", "https://example.com/x"],
    ["https://example.com/<!channel>", "https://example.com/%3C!channel%3E"],
    ["javascript:alert(1)", null],
    ["mailto:x@example.com", null],
    ["ftp://example.com", null],
    ["not a url", null],
    ["<https://evil|docs>", null],
    [null, null],
  ] as const)("%j -> %j", (input, expected) => {
    expect(safeHttpUrl(input)).toBe(expected);
  });
});

describe("redaction", () => {
  const webhook = "https://hooks.slack.com/services/T0001/B0001/XXXXXXXXXXXXXXXXXXXXXXXX";

  it("shows only the service of a webhook URL", () => {
    expect(redactUrl(webhook)).toBe("https://hooks.slack.com/services/***");
    expect(redactUrl("nonsense")).toBe("***");
  });

  it("removes every form of a secret from text", () => {
    const text = `failed ${webhook} path /services/T0001/B0001/XXXXXXXXXXXXXXXXXXXXXXXX key R0123 ${encodeURIComponent(webhook)}`;
    const redacted = redactSecrets(text, [webhook, "R0123"]);
    expect(redacted).not.toContain("XXXXXXXX");
    expect(redacted).not.toContain("R0123");
    expect(redacted).not.toContain("T0001");
  });
});
