import { describe, expect, it } from "vitest";
import {
  context,
  divider,
  fieldsSection,
  findSlackLimitViolations,
  header,
  type SlackMessage,
  section,
} from "../../../shared/deliver/slack/index.ts";
import { fitLines, packLines } from "../../../shared/deliver/slack/pack.ts";
import { escapingProblems } from "../../support/deliver-slack-checks.ts";

const message = (blocks: SlackMessage["blocks"], text = "fallback"): SlackMessage => ({ text, blocks });
const problems = (m: SlackMessage) =>
  findSlackLimitViolations(m).map((violation) => `${violation.path}: ${violation.problem}`);

describe("findSlackLimitViolations (the checker the render tests rely on)", () => {
  it("accepts a message at every limit", () => {
    const atLimits = message([
      header("h".repeat(150)),
      section("s".repeat(3000)),
      fieldsSection(Array.from({ length: 10 }, () => "f".repeat(2000))),
      context(Array.from({ length: 10 }, () => "c".repeat(3000))),
      ...Array.from({ length: 46 }, () => divider),
    ]);
    expect(atLimits.blocks).toHaveLength(50);
    expect(problems(atLimits)).toEqual([]);
  });

  it("reports each limit broken, with where", () => {
    const broken = message(
      [
        header("h".repeat(151)),
        section("s".repeat(3001)),
        fieldsSection(Array.from({ length: 11 }, () => "f")),
        fieldsSection(["f".repeat(2001)]),
        context(Array.from({ length: 11 }, () => "c")),
        context([]),
        { type: "section" },
        section(""),
        section("split \ud83d"),
        ...Array.from({ length: 42 }, () => divider),
      ],
      "t".repeat(301),
    );
    expect(problems(broken)).toEqual([
      "text: 301 characters, over 300",
      "blocks: 51 blocks, over 50",
      "blocks[0].text.text: 151 characters, over 150",
      "blocks[1].text.text: 3001 characters, over 3000",
      "blocks[2].fields: 11 fields, over 10",
      "blocks[3].fields[0].text: 2001 characters, over 2000",
      "blocks[4].elements: 11 elements, over 10",
      "blocks[5].elements: context without elements",
      "blocks[6]: section without text or fields",
      "blocks[7].text.text: empty text",
      "blocks[8].text.text: unpaired surrogate (split character)",
    ]);
  });
});

describe("escapingProblems (the escaping checker)", () => {
  it.each([
    ["<!channel>", 1],
    ["a & b", 1],
    ["<javascript:alert(1)|x>", 1],
    ["\udc00", 1],
    ["&lt;!channel&gt; &amp; <https://ok.example/x?a=1&amp;b=2|ok>", 0],
  ])("%j has %i problem(s)", (text, count) => {
    expect(escapingProblems(text)).toHaveLength(count);
  });
});

describe("packLines and fitLines", () => {
  it("packs whole lines into at most maxTexts texts and counts what is left out", () => {
    const lines = Array.from({ length: 10 }, (_, index) => `line-${index}`.padEnd(10, "."));
    const packed = packLines(lines, { maxChars: 40, maxTexts: 2, prefix: "<", suffix: ">" });
    expect(packed.texts).toEqual([`<${lines.slice(0, 3).join("\n")}>`, `<${lines.slice(3, 6).join("\n")}>`]);
    expect(packed.omitted).toBe(4);
    for (const text of packed.texts) expect(text.length).toBeLessThanOrEqual(40);
  });

  it("drops whole lines from the end with a marker", () => {
    expect(fitLines(["aaaa", "bbbb", "cccc"], 11)).toBe("aaaa\nbbbb\n…");
    expect(fitLines(["aaaa", "bbbb", "cccc"], 10)).toBe("aaaa\n…");
    expect(fitLines(["aaaa", "bbbb"], 9)).toBe("aaaa\nbbbb");
  });
});
