import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { debianToolsPresent } from "../support/debian-tools.ts";
import { type JsonObject, readRepoFile } from "../support/infra-template.ts";

/**
 * infra/dashboard.json's drop queries run by promtool on series of both metric spellings, on eth0 and on
 * secondary ENIs: every throttled ENI shows as its own series with its `device`, and the node counts and totals
 * include secondary ENIs. Grafana's variables are replaced as Grafana would for "All" clusters.
 */
const run = promisify(execFile);
const present = debianToolsPresent(["promtool"], "dashboard PromQL checks");

const panels = (JSON.parse(readRepoFile("infra/dashboard.json")) as { panels: JsonObject[] }).panels;
function query(title: RegExp): string {
  const panel = panels.find((p) => title.test(String(p.title)));
  const [target] = (panel?.targets ?? []) as JsonObject[];
  if (!target) throw new Error(`no dashboard panel titled ${title}`);
  return String(target.expr)
    .replaceAll("$cluster", ".*")
    .replaceAll("$__rate_interval", "2m")
    .replaceAll("$__range", "10m");
}

// Per-minute samples; the rates in drops per second: node a drops 1/s on eth0 and 10/s on eth1, node b 2/s on
// eth2 (ethtool exporter spelling), node c dropped long ago and no more.
const SERIES = [
  {
    metric: "node_ethtool_linklocal_allowance_exceeded",
    node: "ip-a",
    device: "eth0",
    perSecond: 1,
    start: 0,
  },
  {
    metric: "node_ethtool_linklocal_allowance_exceeded",
    node: "ip-a",
    device: "eth1",
    perSecond: 10,
    start: 0,
  },
  { metric: "node_net_ethtool", node: "ip-b", device: "eth2", perSecond: 2, start: 0 },
  {
    metric: "node_ethtool_linklocal_allowance_exceeded",
    node: "ip-c",
    device: "eth0",
    perSecond: 0,
    start: 5000,
  },
];
const EVAL_MINUTES = 15;
const INSTANCE: Record<string, string> = {
  "ip-a": "10.0.0.1:9100",
  "ip-b": "10.0.0.2:9100",
  "ip-c": "10.0.0.3:9100",
};

function labels(s: (typeof SERIES)[number]): Record<string, string> {
  return { cluster: "prod", device: s.device, instance: INSTANCE[s.node] as string, node: s.node };
}
function selector(name: string, set: Record<string, string>): string {
  return `${name}{${Object.entries(set)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",")}}`;
}
/** One expected sample per ENI: the value `perEni` gives, with the ENI's labels. */
function perEni(value: (s: (typeof SERIES)[number]) => number) {
  return SERIES.map((s) => ({ labels: selector("", labels(s)), value: value(s) }));
}

describe.runIf(present)("infra/dashboard.json's queries, run by promtool", () => {
  const dir = mkdtempSync(join(tmpdir(), "dashboard-promql-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("show every ENI of every node, both spellings, and count secondary ENIs' drops", async () => {
    const inputSeries = SERIES.flatMap((s) => {
      const spelled =
        s.metric === "node_net_ethtool" ? { ...labels(s), type: "linklocal_allowance_exceeded" } : labels(s);
      const series = [{ series: selector(s.metric, spelled), values: `${s.start}+${s.perSecond * 60}x20` }];
      // Another ethtool counter of the same ENI, which no panel may count.
      if (s.metric === "node_net_ethtool")
        series.push({
          series: selector(s.metric, { ...labels(s), type: "rx_packets" }),
          values: "0+99999x20",
        });
      return series;
    });
    const tests = [
      {
        expr: query(/drops per second by node/i),
        exp_samples: perEni((s) => s.perSecond),
      },
      {
        expr: query(/top talkers/i),
        exp_samples: perEni((s) => s.perSecond * 600),
      },
      {
        expr: query(/cumulative/i),
        exp_samples: perEni((s) => s.start + s.perSecond * 60 * EVAL_MINUTES),
      },
      {
        expr: query(/nodes dropping/i),
        exp_samples: [{ labels: "{}", value: 2 }],
      },
      {
        expr: query(/drops in the selected range/i),
        exp_samples: [{ labels: "{}", value: SERIES.reduce((sum, s) => sum + s.perSecond * 600, 0) }],
      },
    ].map((t) => ({ ...t, eval_time: `${EVAL_MINUTES}m` }));
    const file = join(dir, "dashboard.test.yaml");
    writeFileSync(
      file,
      stringify({
        rule_files: [],
        evaluation_interval: "1m",
        tests: [{ interval: "1m", input_series: inputSeries, promql_expr_test: tests }],
      }),
    );
    const result = await run("promtool", ["test", "rules", file], { timeout: 120_000 }).then(
      ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({
        code: e.code ?? -1,
        output: `${e.stdout ?? ""}${e.stderr ?? ""}`,
      }),
    );
    expect(result.output).toMatch(/SUCCESS/);
    expect(result.code).toBe(0);
  });
});
