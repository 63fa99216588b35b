import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { HEARTBEAT_ALERTNAME } from "../../shared/ingest/heartbeat.ts";
import { type JsonObject, loadTemplate, loadYamlDocuments } from "../support/infra-template.ts";

const COUNTERS = ["node_ethtool_linklocal_allowance_exceeded", "node_net_ethtool"] as const;

/**
 * Uses of the cumulative counter that are not the range-vector argument of rate()/increase()/irate():
 * such a use compares the raw total, which after the first drop stays above zero until the node goes away.
 */
function rawCounterUses(expr: string): string[] {
  const raw: string[] = [];
  for (const counter of COUNTERS) {
    for (const match of expr.matchAll(new RegExp(`\\b${counter}\\b(\\{[^}]*\\})?(\\[[^\\]]+\\])?`, "g"))) {
      const before = expr.slice(0, match.index).trimEnd();
      const wrapped = /\b(rate|increase|irate)\s*\($/.test(before) && match[2] !== undefined;
      if (!wrapped) raw.push(match[0]);
    }
  }
  return raw;
}

const [rulesFile] = loadYamlDocuments("infra/alert-rules.yaml") as [JsonObject];
const groups = rulesFile.groups as JsonObject[];
const rules = groups.flatMap((g) => g.rules as JsonObject[]);
const alerts = rules.filter((r) => typeof r.alert === "string");

describe("infra/alert-rules.yaml", () => {
  it("recognises a raw counter comparison (the check itself)", () => {
    expect(rawCounterUses("node_ethtool_linklocal_allowance_exceeded > 0")).toHaveLength(1);
    expect(rawCounterUses('node_net_ethtool{type="linklocal_allowance_exceeded"} > 0')).toHaveLength(1);
    expect(rawCounterUses("delta(node_ethtool_linklocal_allowance_exceeded[5m]) > 0")).toHaveLength(1);
    expect(rawCounterUses("rate(node_ethtool_linklocal_allowance_exceeded[5m]) > 0")).toEqual([]);
    expect(
      rawCounterUses('increase(node_net_ethtool{type="linklocal_allowance_exceeded"}[10m]) > 0'),
    ).toEqual([]);
  });

  it("alerts on LinkLocalAllowanceExceeded only through rate() or increase()", () => {
    expect(alerts.map((a) => a.alert)).toContain("LinkLocalAllowanceExceeded");
    // The heartbeat counts the counters' series (are they arriving?) and never reads their values.
    for (const rule of rules.filter((r) => r.alert !== HEARTBEAT_ALERTNAME))
      expect(rawCounterUses(String(rule.expr)), String(rule.alert ?? rule.record)).toEqual([]);
  });

  it("covers both spellings of the metric on every device (secondary ENIs drop on their own counters)", () => {
    const exprs = alerts.map((a) => String(a.expr)).join("\n");
    expect(exprs).toMatch(/node_net_ethtool\{type="linklocal_allowance_exceeded"\}/);
    expect(exprs).toContain("node_ethtool_linklocal_allowance_exceeded[");
    // promtool's unit tests (test/integration/promtool) show eth1 and eth2 firing.
    expect(exprs).not.toMatch(/device\s*=/);
  });

  it("gives every notifying alert a for:, a severity, and the annotations the notifications show", () => {
    for (const alert of alerts.filter((a) => a.alert !== HEARTBEAT_ALERTNAME)) {
      expect(String(alert.for)).toMatch(/^\d+[smh]$/);
      expect(["critical", "error", "warning", "info"]).toContain((alert.labels as JsonObject).severity);
      const annotations = alert.annotations as JsonObject;
      for (const key of ["summary", "description", "value", "runbook_url"])
        expect(annotations[key], key).toBeTruthy();
      expect(String(annotations.value)).toContain("$value");
      expect(String(annotations.description)).toContain("$value");
      expect(String(annotations.runbook_url)).toMatch(/^https:\/\//);
    }
  });

  it("is the rule group the stack uploads when it is given a workspace", () => {
    const template = loadTemplate();
    const namespace = template.Resources.LinkLocalRuleGroups;
    expect(namespace?.Type).toBe("AWS::APS::RuleGroupsNamespace");
    expect(namespace?.Condition).toBe("CreateRuleGroups");
    expect(namespace?.Properties.Workspace).toEqual({ Ref: "AmpWorkspaceArn" });
    expect(parse(String(namespace?.Properties.Data))).toEqual(rulesFile);
  });
});
