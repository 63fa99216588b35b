import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { GroupStatus, Sink } from "../../shared/model/index.ts";
import {
  formatMatcher,
  type MatchOperator,
  parseRoutes,
  routeGroup,
  routingLabels,
} from "../../shared/route/index.ts";
import { routableGroup } from "../support/routing-groups.ts";

const routes = parseRoutes(
  [
    'alertname="Watchdog" => slack',
    'severity="critical", cluster=~"prod-.*" => pagerduty,slack',
    'status="resolved", cluster=~"(?i)PROD-.*" => pagerduty,slack',
    'team!~"payments|search", env!="" => coredns-scale,slack',
    "default => slack",
  ].join("\n"),
);

interface Case {
  labels: Record<string, string>;
  status: GroupStatus;
  sinks: Sink[];
}

const cases: Case[] = [
  {
    labels: { alertname: "Watchdog", severity: "critical", cluster: "prod-1" },
    status: "firing",
    sinks: ["slack"],
  },
  {
    labels: { severity: "critical", cluster: "prod-eu-1" },
    status: "firing",
    sinks: ["pagerduty", "slack"],
  },
  // Anchored: "preprod-1" does not match "prod-.*".
  { labels: { severity: "critical", cluster: "preprod-1" }, status: "firing", sinks: ["slack"] },
  {
    labels: { severity: "warning", cluster: "prod-eu-1" },
    status: "resolved",
    sinks: ["pagerduty", "slack"],
  },
  { labels: { severity: "warning", cluster: "prod-eu-1" }, status: "firing", sinks: ["slack"] },
  { labels: { team: "core", env: "staging" }, status: "firing", sinks: ["coredns-scale", "slack"] },
  { labels: { team: "payments", env: "staging" }, status: "firing", sinks: ["slack"] },
  // A missing label is the empty string: env!="" fails.
  { labels: { team: "core" }, status: "firing", sinks: ["slack"] },
  { labels: {}, status: "unknown", sinks: ["slack"] },
];

describe("routeGroup", () => {
  it.each(cases)("$labels ($status) -> $sinks", ({ labels, status, sinks }) => {
    expect(routeGroup(routes, routableGroup(labels, { status }))).toEqual(sinks);
  });

  it("matches cluster and alertname as the parser derived them, not only common labels", () => {
    // CLUSTER_LABEL=k8s_cluster: the group's cluster comes from another label.
    const group = routableGroup({ k8s_cluster: "prod-x", severity: "critical" }, { cluster: "prod-x" });
    expect(routingLabels(group)).toMatchObject({ cluster: "prod-x", status: "firing" });
    expect(routeGroup(routes, group)).toEqual(["pagerduty", "slack"]);
    const named = routableGroup({}, { alertname: "Watchdog" });
    expect(routeGroup(routes, named)).toEqual(["slack"]);
  });

  it("matches only own labels: constructor, toString and __proto__ are ordinary label names", () => {
    const rules = parseRoutes(
      'constructor=~".+" => pagerduty\ntoString!="" => pagerduty\n__proto__="x" => pagerduty',
    );
    // Absent labels match as the empty string, never as Object.prototype's members.
    expect(routeGroup(rules, routableGroup({}))).toEqual(["slack"]);
    const labels = JSON.parse('{"__proto__": "x"}') as Record<string, string>;
    expect(routeGroup(rules, routableGroup(labels))).toEqual(["pagerduty"]);
    expect(routeGroup(rules, routableGroup({ constructor: "c" }))).toEqual(["pagerduty"]);
  });

  it("returns a fresh array the caller may change", () => {
    const first = routeGroup(routes, routableGroup({}));
    first.push("pagerduty");
    expect(routeGroup(routes, routableGroup({}))).toEqual(["slack"]);
  });
});

describe("matcher semantics (properties)", () => {
  const labelsArb = fc.dictionary(
    fc.constantFrom("a", "b", "cluster", "severity"),
    fc.string({ maxLength: 6 }),
  );
  const valueArb = fc.string({ maxLength: 6 });
  const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

  it("= and != are complements, and so are =~ and !~", () => {
    fc.assert(
      fc.property(labelsArb, fc.constantFrom("a", "severity", "missing"), valueArb, (labels, name, value) => {
        const [eq, ne, re, nre] = ["=", "!=", "=~", "!~"].map(
          (operator) =>
            parseRoutes(
              `${formatMatcher({ name, operator: operator as MatchOperator, value: operator.includes("~") ? escapeRegex(value) : value })} => pagerduty`,
            ).rules[0]!,
        );
        const group = routableGroup(labels, { cluster: null, alertname: null });
        const hit = (rule: typeof eq) =>
          routeGroup({ rules: [rule!], defaultSinks: ["slack"] }, group)[0] === "pagerduty";
        expect(hit(eq)).toBe((labels[name] ?? "") === value);
        expect(hit(ne)).not.toBe(hit(eq));
        expect(hit(nre)).not.toBe(hit(re));
        // Anchored: a regex of the escaped value matches exactly what equality matches.
        expect(hit(re)).toBe(hit(eq));
      }),
      { numRuns: 500 },
    );
  });

  it("first match wins: the sinks are those of the earliest matching rule", () => {
    fc.assert(
      fc.property(
        labelsArb,
        fc.array(fc.tuple(valueArb, fc.constantFrom("slack", "pagerduty")), { maxLength: 5 }),
        (labels, rules) => {
          const text = rules
            .map(([value, sink]) => `a="${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}" => ${sink}`)
            .join("\n");
          const expected = rules.find(([value]) => (labels.a ?? "") === value)?.[1] ?? "slack";
          expect(routeGroup(parseRoutes(text), routableGroup(labels))).toEqual([expected]);
        },
      ),
    );
  });
});

describe("regex matchers run in linear time with RE2 semantics", () => {
  it("answers a catastrophic-backtracking pattern on a 30-character label (a JavaScript RegExp would take seconds)", () => {
    const rules = parseRoutes('severity=~"(a+)+b" => pagerduty');
    expect(routeGroup(rules, routableGroup({ severity: "a".repeat(30) }))).toEqual(["slack"]);
    expect(routeGroup(rules, routableGroup({ severity: `${"a".repeat(30)}b` }))).toEqual(["pagerduty"]);
    expect(routeGroup(rules, routableGroup({ severity: "a".repeat(100_000) }))).toEqual(["slack"]);
  });

  it("reads RE2 syntax as Alertmanager does: inline flags anywhere, Unicode classes", () => {
    const rules = parseRoutes('cluster=~"prod-(?i:EU)-\\\\pL+" => pagerduty');
    expect(routeGroup(rules, routableGroup({}, { cluster: "prod-eu-ümlaut" }))).toEqual(["pagerduty"]);
    expect(routeGroup(rules, routableGroup({}, { cluster: "prod-eu-123" }))).toEqual(["slack"]);
  });
});
