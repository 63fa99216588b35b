import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ParseErrorCode, parseAmpMessage } from "../../shared/parse/index.ts";
import {
  linkLocalGroup,
  renderAwsJsonTemplate,
  renderDefaultText,
  renderWebhookV4,
} from "../../sim/alertmanager-messages.ts";
import { ampMessage } from "../support/amp-message.ts";

const options = { clusterLabel: "cluster" };
const errorCodes = new Set<string>(Object.values(ParseErrorCode));

/** The contract: never throws; either a group with at least one well-formed alert, or a known error. */
function expectWellFormed(body: string, attributes: Record<string, string> = {}) {
  const result = parseAmpMessage(ampMessage(body, { attributes }), options);
  if (result.ok) {
    expect(result.group.alerts.length).toBeGreaterThan(0);
    for (const alert of result.group.alerts) {
      expect(["firing", "resolved"]).toContain(alert.status);
      expect(alert.fingerprint).toMatch(/^[0-9a-f]{16}$/);
      for (const value of [...Object.values(alert.labels), ...Object.values(alert.annotations)]) {
        expect(typeof value).toBe("string");
      }
      for (const time of [alert.startsAt, alert.endsAt]) {
        if (time !== null) expect(new Date(time).toISOString()).toBe(time);
      }
    }
  } else {
    expect(errorCodes.has(result.error.code)).toBe(true);
    expect(result.error.reason.length).toBeGreaterThan(0);
  }
}

const labelValue = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom(
    '"',
    "\\'",
    "\\",
    "\n",
    "<!channel>",
    "}",
    "]",
    ",",
    '", "',
    "0001-01-01 00:00:00 +0000 UTC",
  ),
);
const groups = fc
  .record({
    count: fc.integer({ min: 1, max: 6 }),
    resolvedCount: fc.integer({ min: 0, max: 6 }),
    value: labelValue,
  })
  .map(({ count, resolvedCount, value }) => {
    const group = linkLocalGroup({ count, resolvedCount: Math.min(count, resolvedCount) });
    for (const a of group.alerts) a.annotations.description = value;
    return group;
  });
const renderers = [
  renderWebhookV4,
  (g: Parameters<typeof renderWebhookV4>[0]) => renderAwsJsonTemplate(g),
  (g: Parameters<typeof renderWebhookV4>[0]) => renderAwsJsonTemplate(g, { escape: "js" }),
  renderDefaultText,
];

describe("parseAmpMessage never throws", () => {
  it("on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 400 }), (body) => expectWellFormed(body)),
      {
        numRuns: 500,
      },
    );
  });

  it("on arbitrary JSON values", () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 4 }), (body) => expectWellFormed(body)),
      { numRuns: 300 },
    );
  });

  it("on real messages cut at any point, with AMP's truncated attribute", () => {
    fc.assert(
      fc.property(
        groups,
        fc.integer({ min: 0, max: 3 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (g, r, at) => {
          const body = (renderers[r] ?? renderWebhookV4)(g);
          expectWellFormed(body.slice(0, Math.floor(body.length * at)), { truncated: "true" });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("on real messages with characters flipped, deleted or inserted", () => {
    const mutation = fc.record({
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      kind: fc.constantFrom("delete", "insert", "replace"),
      text: fc.constantFrom('"', "{", "}", "[", "]", ",", ":", "\\", "\n", "x", "\u0000"),
    });
    fc.assert(
      fc.property(
        groups,
        fc.integer({ min: 0, max: 3 }),
        fc.array(mutation, { maxLength: 4 }),
        (g, r, mutations) => {
          let body = (renderers[r] ?? renderWebhookV4)(g);
          for (const m of mutations) {
            const i = Math.floor(body.length * m.at);
            body =
              m.kind === "delete"
                ? body.slice(0, i) + body.slice(i + 1)
                : m.kind === "insert"
                  ? body.slice(0, i) + m.text + body.slice(i)
                  : body.slice(0, i) + m.text + body.slice(i + 1);
          }
          expectWellFormed(body);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("reads every alert of an intact message whatever its label values", () => {
    fc.assert(
      fc.property(groups, fc.integer({ min: 0, max: 3 }), (g, r) => {
        // Known limit: in the unescaped AWS template only the skeleton's own separator inside a value is
        // ambiguous (test/parse/aws-template.test.ts); the generator here never builds one.
        const result = parseAmpMessage(ampMessage((renderers[r] ?? renderWebhookV4)(g)), options);
        expect(result.ok).toBe(true);
        if (result.ok) expect(result.group.alerts).toHaveLength(g.alerts.length);
      }),
      { numRuns: 300 },
    );
  });
});

describe("a value holding JSON punctuation in the unescaped AWS template", () => {
  it('is read exactly when it holds `", "` alone', () => {
    const group = linkLocalGroup({ count: 1 });
    group.alerts[0]!.annotations.description = '", "';
    const result = parseAmpMessage(ampMessage(renderAwsJsonTemplate(group)), options);
    expect(result.ok && result.group.alerts[0]?.annotations.description).toBe('", "');
  });
});
