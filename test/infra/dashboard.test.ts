import { describe, expect, it } from "vitest";
import { type JsonObject, readRepoFile } from "../support/infra-template.ts";

const dashboard = JSON.parse(readRepoFile("infra/dashboard.json")) as JsonObject;
const panels = dashboard.panels as JsonObject[];
const variables = (dashboard.templating as JsonObject).list as JsonObject[];

function expressions(panel: JsonObject): string[] {
  return ((panel.targets ?? []) as JsonObject[]).map((t) => String(t.expr ?? ""));
}

/** Parentheses, braces and brackets balance outside string literals: a cheap PromQL well-formedness check. */
function balanced(expr: string): boolean {
  const pairs: Record<string, string> = { ")": "(", "}": "{", "]": "[" };
  const stack: string[] = [];
  let quoted = false;
  for (const ch of expr) {
    if (ch === '"') quoted = !quoted;
    if (quoted) continue;
    if ("({[".includes(ch)) stack.push(ch);
    else if (ch in pairs && stack.pop() !== pairs[ch]) return false;
  }
  return stack.length === 0 && !quoted;
}

describe("infra/dashboard.json", () => {
  it("is a Grafana dashboard model with a stable uid", () => {
    expect(dashboard.uid).toBe("linklocal-sentinel");
    expect(typeof dashboard.title).toBe("string");
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
  });

  it("gives every panel a well-formed query on the counter (or CoreDNS's replicas), filtered to the chosen clusters", () => {
    for (const panel of panels) {
      const exprs = expressions(panel);
      expect(exprs.length, String(panel.title)).toBeGreaterThan(0);
      for (const expr of exprs) {
        expect(expr).toMatch(/linklocal_allowance_exceeded|kube_deployment_\w+\{[^}]*deployment="coredns"/);
        expect(expr).toContain('cluster=~"$cluster"');
        expect(balanced(expr), expr).toBe(true);
      }
      for (const key of ["h", "w", "x", "y"])
        expect(typeof (panel.gridPos as JsonObject)[key]).toBe("number");
    }
  });

  it("shows the drop rate per node, the top talkers and the cumulative count", () => {
    const byType = (type: string) => panels.filter((p) => p.type === type).flatMap(expressions);
    expect(byType("timeseries").some((e) => /rate\(/.test(e) && /by \([^)]*instance/.test(e))).toBe(true);
    expect(byType("table").some((e) => e.startsWith("topk("))).toBe(true);
    expect(panels.some((p) => /cumulative/i.test(String(p.title)))).toBe(true);
  });

  it("shows every ENI: no device filter, and each per-node series and legend names its device", () => {
    const dropPanels = panels.filter((p) =>
      expressions(p).some((e) => e.includes("linklocal_allowance_exceeded")),
    );
    expect(dropPanels.length).toBeGreaterThanOrEqual(5);
    for (const expr of dropPanels.flatMap(expressions)) expect(expr).not.toMatch(/\bdevice\s*(=|!=|=~|!~)/);
    // Panels listing nodes list each ENI of the node; both spellings' halves keep the device label.
    const perNode = dropPanels.filter((p) => p.type === "timeseries" || p.type === "table");
    expect(perNode.length).toBeGreaterThanOrEqual(3);
    for (const panel of perNode)
      for (const expr of expressions(panel)) {
        const groupings = [...expr.matchAll(/sum by \(([^)]*)\)/g)].map((m) => m[1] as string);
        expect(groupings.length, expr).toBeGreaterThanOrEqual(2);
        for (const labels of groupings) expect(labels.split(/,\s*/), expr).toContain("device");
      }
    for (const target of perNode.flatMap((p) => (p.targets ?? []) as JsonObject[]))
      if (target.legendFormat) expect(String(target.legendFormat)).toContain("{{device}}");
  });

  it("shows CoreDNS's desired and available replicas beside the drops", () => {
    const panel = panels.find((p) => /CoreDNS replicas/.test(String(p.title)));
    const exprs = panel ? expressions(panel) : [];
    expect(exprs.some((e) => e.includes("kube_deployment_spec_replicas"))).toBe(true);
    expect(exprs.some((e) => e.includes("kube_deployment_status_replicas_available"))).toBe(true);
  });

  it("lets the viewer pick the data source and the cluster", () => {
    expect(variables.map((v) => v.name)).toEqual(["datasource", "cluster"]);
    const cluster = variables[1] as JsonObject;
    expect(cluster.multi).toBe(true);
    expect(cluster.includeAll).toBe(true);
    expect(String(cluster.definition)).toMatch(/^label_values\(.*, cluster\)$/);
  });
});
