import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { HEARTBEAT_ALERTNAME } from "../../shared/ingest/heartbeat.ts";
import { METRICS_NAMESPACE, MetricName } from "../../shared/metrics/names.ts";
import { type JsonObject, loadTemplate, repoRoot } from "../support/infra-template.ts";

/** The dead man's switch end to end in configuration: the rule, its route, and the alarm on what ingest emits. */
const template = loadTemplate();

describe("the heartbeat", () => {
  it("is a rule of infra/alert-rules.yaml under the name ingest recognises", () => {
    const rules = parse(readFileSync(`${repoRoot}/infra/alert-rules.yaml`, "utf8")) as {
      groups: { rules: { alert: string; expr: string; for?: string }[] }[];
    };
    const rule = rules.groups.flatMap((g) => g.rules).find((r) => r.alert === HEARTBEAT_ALERTNAME);
    expect(rule?.expr).toContain("count by (cluster)");
    expect(rule?.for).toBeUndefined();
  });

  it("is routed through the same SNS receiver every 5 minutes by infra/alertmanager.yaml", () => {
    const definition = parse(readFileSync(`${repoRoot}/infra/alertmanager.yaml`, "utf8")) as {
      alertmanager_config: string;
    };
    type Route = { matchers?: string[]; receiver: string; repeat_interval?: string; routes?: Route[] };
    const config = parse(definition.alertmanager_config) as { route: Route };
    const project = config.route.routes?.find((r) => r.receiver === "linklocal-sentinel");
    const route = project?.routes?.find((r) => r.matchers?.includes(`alertname="${HEARTBEAT_ALERTNAME}"`));
    expect(route).toMatchObject({ receiver: project?.receiver, repeat_interval: "5m" });
  });

  it("alarms on the metric ingest emits when it stops arriving, missing data breaching, naming the causes", () => {
    const alarm = template.Resources.HeartbeatMissingAlarm;
    expect(alarm?.Condition).toBe("ExpectsHeartbeat");
    const props = alarm?.Properties as JsonObject;
    expect(props).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: MetricName.heartbeats,
      Statistic: "Sum",
      ComparisonOperator: "LessThanThreshold",
      Threshold: 1,
      TreatMissingData: "breaching",
    });
    // Powertools Metrics' default dimension is the service name the functions run with.
    const service = (template.Globals.Function.Environment as { Variables: Record<string, string> }).Variables
      .POWERTOOLS_SERVICE_NAME;
    expect(props.Dimensions).toEqual([{ Name: "service", Value: service }]);
    expect(Number(props.Period) * Number(props.EvaluationPeriods)).toBe(15 * 60);
    expect(String(props.AlarmDescription)).toMatch(/remote-writ.*DNS/s);
  });

  it("puts every metric the code emits on the stack's dashboard, and nothing else", () => {
    const properties = template.Resources.PipelineDashboard?.Properties;
    const body = properties?.DashboardBody;
    const text = typeof body === "string" ? body : String((body as { "Fn::Sub": string })["Fn::Sub"]);
    const dashboard = JSON.parse(text) as { widgets: { properties: { metrics: string[][] } }[] };
    const shown = dashboard.widgets.flatMap((w) => w.properties.metrics.map((m) => m));
    for (const metric of shown) {
      expect(metric[0]).toBe(METRICS_NAMESPACE);
      expect(metric.slice(2)).toEqual(["service", "linklocal-sentinel"]);
    }
    expect(shown.map((m) => m[1]).sort()).toEqual(Object.values(MetricName).sort());
  });

  it("alarms on raw fallbacks and enrichment failures", () => {
    for (const [id, name] of [
      ["RawFallbacksAlarm", MetricName.rawFallbacks],
      ["EnrichmentFailuresAlarm", MetricName.enrichmentFailures],
    ] as const) {
      expect(template.Resources[id]?.Properties).toMatchObject({
        Namespace: METRICS_NAMESPACE,
        MetricName: name,
        ComparisonOperator: "GreaterThanThreshold",
        Threshold: 0,
        TreatMissingData: "notBreaching",
      });
    }
  });

  it("alarms only on metric names the code emits (one list for code and template)", () => {
    const emitted = new Set<string>(Object.values(MetricName));
    const alarms = Object.values(template.Resources).filter(
      (r) =>
        r.Type === "AWS::CloudWatch::Alarm" && (r.Properties as JsonObject).Namespace === METRICS_NAMESPACE,
    );
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) expect(emitted).toContain((alarm.Properties as JsonObject).MetricName);
  });
});
