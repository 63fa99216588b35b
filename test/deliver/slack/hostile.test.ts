import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { renderSlackMessage } from "../../../shared/deliver/slack/index.ts";
import { HOSTILE_VALUES, hostileGroup, makeGroup } from "../../support/deliver-fixtures.ts";
import { expectValidSlackMessage, slackTexts } from "../../support/deliver-slack-checks.ts";

describe("hostile label and annotation values", () => {
  it.each(HOSTILE_VALUES.map((value) => [value.slice(0, 30), value]))(
    "%j renders a valid, escaped message",
    (_, value) => {
      const message = renderSlackMessage(hostileGroup(value));
      expectValidSlackMessage(message);
    },
  );

  it("cannot ping or disguise a link", () => {
    const message = renderSlackMessage(
      hostileGroup("<!channel> <@U123> <https://evil.example.com|docs.aws.amazon.com>"),
    );
    const text = slackTexts(message).join("\n");
    expect(text).not.toContain("<!channel>");
    expect(text).not.toContain("<@U123>");
    expect(text).not.toContain("<https://evil.example.com");
    expect(text).toContain("&lt;!channel&gt;");
    expect(text).toContain("&lt;https://evil.example.com|docs.aws.amazon.com&gt;");
  });

  it("1,000 alerts with 10,000-character values stay within every limit", () => {
    expectValidSlackMessage(renderSlackMessage(hostileGroup("&<>🚨".repeat(2_500), 1_000)));
  });

  it("property: any values and any group size give a valid message", () => {
    const value = fc.oneof(
      fc.string({ unit: "binary", maxLength: 200 }),
      fc.string({
        unit: fc.constantFrom("<", ">", "&", "|", "`", "!", "@", "🚨", "é", "\n", "x"),
        maxLength: 5_000,
      }),
      fc.constantFrom(...HOSTILE_VALUES),
    );
    fc.assert(
      fc.property(
        value,
        fc.integer({ min: 0, max: 1_200 }),
        fc.constantFrom("firing", "resolved"),
        (text, count, status) => {
          const group = { ...hostileGroup(text, count), status } as const;
          expectValidSlackMessage(renderSlackMessage(group));
        },
      ),
      { numRuns: 40 },
    );
  });

  it("property: group sizes never change the message's shape beyond the limits", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_000 }), (count) => {
        const message = renderSlackMessage(makeGroup({}, count));
        expectValidSlackMessage(message);
        expect(message.blocks.length).toBeLessThanOrEqual(50);
      }),
      { numRuns: 25 },
    );
  });
});
