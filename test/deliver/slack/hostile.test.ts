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

  it("cannot open a code block or format text: backticks, *, _ and ~ from alerts are neutralised", () => {
    const value = "```swallow``` *bold* _italic_ ~struck~ `code`";
    const message = renderSlackMessage(hostileGroup(value));
    // The header is plain_text, where Slack applies no formatting; every other text is mrkdwn.
    const texts = slackTexts({ ...message, blocks: message.blocks.filter((b) => b.type !== "header") });
    // Every text the message holds, apart from the code blocks and spans the renderer opens itself.
    const outsideCode = texts
      .map((t) => t.replace(/```\n[\s\S]*?\n```/g, "").replace(/`[^`\n]*`/g, ""))
      .join("\n");
    expect(outsideCode).not.toMatch(/`/);
    expect(outsideCode).not.toContain("*bold*");
    expect(outsideCode).not.toContain("_italic_");
    expect(outsideCode).not.toContain("~struck~");
    expect(outsideCode).toContain("ˋˋˋswallowˋˋˋ ∗bold∗ ＿italic＿ ∼struck∼ ˋcodeˋ");
    // Inside the renderer's own code blocks no backtick from the value can close the block early.
    for (const block of texts.join("\n").match(/```\n[\s\S]*?\n```/g) ?? []) {
      expect(block.slice(3, -3)).not.toContain("`");
    }
    expectValidSlackMessage(message);
  });

  it("leaves an underscore inside a word alone, so identifiers copy as they are", () => {
    const text = slackTexts(renderSlackMessage(hostileGroup("node_exporter_eth0"))).join("\n");
    expect(text).toContain("node_exporter_eth0");
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
