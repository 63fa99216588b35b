import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../shared/errors.ts";
import { type Sink, Sink as Sinks } from "../../shared/model/index.ts";
import { formatRoutes, formatRule, MATCH_OPERATORS, parseRoutes } from "../../shared/route/index.ts";

const sinkArb = fc.constantFrom<Sink>(...Object.values(Sinks));
const labelName = fc.oneof(
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/),
  fc.string({ minLength: 1, maxLength: 8 }),
);
// Regex values are drawn from valid patterns so the rule parses; equality values are any text.
const matcherArb = fc.oneof(
  fc.record({
    name: labelName,
    operator: fc.constantFrom("=" as const, "!=" as const),
    value: fc.string({ maxLength: 12, unit: "binary" }),
  }),
  fc.record({
    name: labelName,
    operator: fc.constantFrom("=~" as const, "!~" as const),
    value: fc.constantFrom("prod-.*", "a|b", "", "x\\.y", '"quoted"', "[;=>,{}]+", "(?i)dev", "\\\\"),
  }),
);
const ruleArb = fc.record({
  matchers: fc.array(matcherArb, { minLength: 1, maxLength: 4 }),
  sinks: fc.uniqueArray(sinkArb, { minLength: 1, maxLength: 3 }),
});

const tokens = fc.constantFrom(
  "=",
  "!=",
  "=~",
  "!~",
  "==",
  "=>",
  ",",
  ";",
  "\n",
  "{",
  "}",
  '"',
  "\\",
  " ",
  "severity",
  "slack",
  "pagerduty",
  "default",
  "(",
  "[",
  "prod-.*",
  "#",
  "*",
  "coredns-scale",
  "email",
);

function comparable(text: string) {
  const routes = parseRoutes(text);
  return {
    rules: routes.rules.map((rule) => ({
      matchers: rule.matchers.map(({ name, operator, value }) => ({ name, operator, value })),
      sinks: rule.sinks,
    })),
    defaultSinks: routes.defaultSinks,
  };
}

describe("parseRoutes properties", () => {
  it("throws nothing but ConfigError, whatever the text", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary" }),
          fc.array(tokens).map((parts) => parts.join("")),
        ),
        (text) => {
          try {
            parseRoutes(text);
          } catch (error) {
            expect(error).toBeInstanceOf(ConfigError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("parses a printed rule back to the same rule", () => {
    fc.assert(
      fc.property(ruleArb, (rule) => {
        expect(comparable(formatRule(rule))).toEqual({ rules: [rule], defaultSinks: ["slack"] });
      }),
      { numRuns: 500 },
    );
  });

  it("parses printed routes back to the same routes", () => {
    fc.assert(
      fc.property(
        fc.array(ruleArb, { maxLength: 4 }),
        fc.uniqueArray(sinkArb, { minLength: 1 }),
        (rules, defaultSinks) => {
          const text = formatRoutes({
            rules: rules.map((rule, i) => ({
              sinks: rule.sinks,
              matchers: rule.matchers.map((matcher) => ({ ...matcher, pattern: null })),
              index: i + 1,
              text: "",
            })),
            defaultSinks,
          });
          expect(comparable(text)).toEqual({ rules, defaultSinks });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("accepts every operator", () => {
    for (const operator of MATCH_OPERATORS) {
      expect(parseRoutes(`a${operator}"b" => slack`).rules[0]?.matchers[0]?.operator).toBe(operator);
    }
  });
});
