import { describe, expect, it } from "vitest";
import { ConfigError } from "../../shared/errors.ts";
import { parseRoutes, routesFromEnv } from "../../shared/route/index.ts";

function shape(text: string) {
  const routes = parseRoutes(text);
  return {
    rules: routes.rules.map((rule) => ({
      matchers: rule.matchers.map(({ name, operator, value }) => `${name} ${operator} ${value}`),
      sinks: rule.sinks,
    })),
    defaultSinks: routes.defaultSinks,
  };
}

function problemOf(text: string): string {
  try {
    parseRoutes(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

describe("parseRoutes: accepted syntax", () => {
  it.each([
    {
      text: 'severity="critical",cluster=~"prod-.*" => pagerduty,slack; default => slack',
      rules: [{ matchers: ["severity = critical", "cluster =~ prod-.*"], sinks: ["pagerduty", "slack"] }],
      defaultSinks: ["slack"],
    },
    {
      text: '{severity = "critical", cluster =~ "prod-.*"} => pagerduty, slack',
      rules: [{ matchers: ["severity = critical", "cluster =~ prod-.*"], sinks: ["pagerduty", "slack"] }],
      defaultSinks: ["slack"],
    },
    {
      text: "severity=critical => pagerduty\nalertname!=Watchdog => slack\n",
      rules: [
        { matchers: ["severity = critical"], sinks: ["pagerduty"] },
        { matchers: ["alertname != Watchdog"], sinks: ["slack"] },
      ],
      defaultSinks: ["slack"],
    },
    {
      text: 'team!~"payments|search" => slack ; ; default => pagerduty ;',
      rules: [{ matchers: ["team !~ payments|search"], sinks: ["slack"] }],
      defaultSinks: ["pagerduty"],
    },
    {
      text: '# critical pages\nseverity="critical" => pagerduty,slack,coredns-scale\n* => slack',
      rules: [{ matchers: ["severity = critical"], sinks: ["pagerduty", "slack", "coredns-scale"] }],
      defaultSinks: ["slack"],
    },
    {
      text: "{} => pagerduty",
      rules: [],
      defaultSinks: ["pagerduty"],
    },
    {
      text: 'summary="say \\"hi\\" \\\\ bye" => slack',
      rules: [{ matchers: ['summary = say "hi" \\ bye'], sinks: ["slack"] }],
      defaultSinks: ["slack"],
    },
    {
      text: 'host=~"api\\.example;com" => pagerduty slack slack',
      rules: [{ matchers: ["host =~ api\\.example;com"], sinks: ["pagerduty", "slack"] }],
      defaultSinks: ["slack"],
    },
    {
      text: '"label.with.dots"="x", severity= => slack',
      rules: [{ matchers: ["label.with.dots = x", "severity = "], sinks: ["slack"] }],
      defaultSinks: ["slack"],
    },
    { text: "   ", rules: [], defaultSinks: ["slack"] },
  ])("$text", ({ text, rules, defaultSinks }) => {
    expect(shape(text)).toEqual({ rules, defaultSinks });
  });

  it("ends a comment at its line even when it holds a quote or a separator", () => {
    const text = '# don\'t "page; for dev\nseverity="critical" => pagerduty\n  # last "one\ndefault => slack';
    expect(shape(text)).toEqual({
      rules: [{ matchers: ["severity = critical"], sinks: ["pagerduty"] }],
      defaultSinks: ["slack"],
    });
  });

  it("keeps each rule's 1-based position and text for logs", () => {
    const routes = parseRoutes(' severity="critical" => pagerduty ;; cluster=dev => slack');
    expect(routes.rules.map((rule) => [rule.index, rule.text])).toEqual([
      [1, 'severity="critical" => pagerduty'],
      [2, "cluster=dev => slack"],
    ]);
  });
});

describe("parseRoutes: rejected rules name the rule and the problem", () => {
  it.each([
    {
      text: 'severity=="critical" => slack',
      expected: /rule 1 \(severity=="critical" => slack\): bad operator "=="/,
    },
    {
      text: 'a="1" => slack; severity=<"x" => slack',
      expected: /rule 2 \(severity=<"x" => slack\): bad operator "=<"/,
    },
    { text: 'cluster=~"prod-(" => slack', expected: /rule 1 .*bad regex "prod-\(" for label "cluster"/ },
    {
      // RE2 has no backreferences or lookaround (Alertmanager would refuse these too).
      text: 'a="1" => slack; cluster=~"(a)\\\\1" => slack',
      expected: /rule 2 .*bad regex "\(a\)\\\\1" for label "cluster": .*invalid escape/,
    },
    { text: 'cluster=~"prod(?=-eu)" => slack', expected: /rule 1 .*bad regex .*unsupported Perl syntax/ },
    {
      text: 'severity="critical" => email',
      expected: /rule 1 .*unknown sink "email"; known sinks: slack, pagerduty, coredns-scale/,
    },
    { text: 'severity="critical" => ', expected: /rule 1 .*no sinks after "=>"/ },
    { text: 'severity="critical" pagerduty', expected: /rule 1 .*missing "=>"/ },
    { text: " => slack", expected: /rule 1 .*no matchers before "=>"/ },
    {
      text: 'severity "critical" => slack',
      expected: /rule 1 .*expected an operator .* after label "severity"/,
    },
    { text: 'severity="critical => slack', expected: /rule 1 .*missing "=>"/ },
    { text: '{severity="critical" => slack', expected: /rule 1 .*"\{" is never closed/ },
    { text: 'severity="critical" cluster="x" => slack', expected: /rule 1 .*expected "," between matchers/ },
    { text: '=~"x" => slack', expected: /rule 1 .*expected a label name/ },
    {
      text: "default => slack; severity=critical => pagerduty",
      expected: /rule 2 .*never match: rule 1 before it is a catch-all/,
    },
  ])("$text", ({ text, expected }) => {
    expect(problemOf(text)).toMatch(expected);
  });

  it("cuts a very long rule in the message", () => {
    const text = `severity="${"x".repeat(500)}" => nowhere`;
    const message = problemOf(text);
    expect(message.length).toBeLessThan(400);
    expect(message).toContain('unknown sink "nowhere"');
  });
});

describe("routesFromEnv", () => {
  it("sends everything to Slack when ROUTES is unset or blank", () => {
    expect(routesFromEnv({})).toEqual({ rules: [], defaultSinks: ["slack"] });
    expect(routesFromEnv({ ROUTES: "  " })).toEqual({ rules: [], defaultSinks: ["slack"] });
  });

  it("parses ROUTES and fails at start-up on a bad rule", () => {
    expect(routesFromEnv({ ROUTES: 'severity="critical" => pagerduty' }).rules).toHaveLength(1);
    expect(() => routesFromEnv({ ROUTES: "severity=~( => slack" })).toThrow(ConfigError);
  });
});
