import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseAmpMessage } from "../../shared/parse/index.ts";
import { goTimeString, renderAwsJsonTemplate, type SimGroup } from "../../sim/alertmanager-messages.ts";
import { alertList, executeGoTemplate, kv, parseGoTemplates } from "../support/infra-go-template.ts";
import { type JsonObject, loadYamlDocuments, readRepoFile } from "../support/infra-template.ts";

const [definition] = loadYamlDocuments("infra/alertmanager.yaml") as [JsonObject];
const config = parse(String(definition.alertmanager_config)) as JsonObject;
const templateFiles = definition.template_files as Record<string, string>;
const templates = parseGoTemplates(Object.values(templateFiles).join("\n"));
const root = config.route as JsonObject;
const receivers = config.receivers as JsonObject[];
const receiver = receivers.find((r) => r.name === "linklocal-sentinel") as JsonObject;
const route = (root.routes as JsonObject[]).find((r) => r.receiver === receiver.name) as JsonObject;
const snsConfigs = receiver.sns_configs as JsonObject[];
const sns = snsConfigs[0] as JsonObject;
const MESSAGE = "linklocal_sentinel.sns.message";
const alertNames = (
  parse(readRepoFile("infra/alert-rules.yaml")) as { groups: { rules: { alert?: string }[] }[] }
).groups.flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : [])));

/** Whether a `name=~"regex"` / `name="value"` matcher matches a label value, anchored as Alertmanager anchors it. */
function matches(matcher: string, name: string, value: string): boolean {
  const parsed = matcher.match(/^(\w+)(=~|=)"(.*)"$/);
  if (!parsed || parsed[1] !== name) return false;
  return parsed[2] === "=" ? parsed[3] === value : new RegExp(`^(?:${parsed[3]})$`).test(value);
}

/** Alertmanager's template data for a group, as the project's message template sees it. */
function templateData(group: SimGroup) {
  const common = (pick: (a: SimGroup["alerts"][number]) => Record<string, string>) => {
    const sets = group.alerts.map(pick);
    const first = sets[0] ?? {};
    return Object.fromEntries(Object.entries(first).filter(([k, v]) => sets.every((s) => s[k] === v)));
  };
  return {
    Receiver: group.receiver,
    Status: group.status,
    Alerts: alertList(
      group.alerts.map((a, i) => ({
        Status: a.status,
        Labels: kv(a.labels),
        Annotations: kv(a.annotations),
        StartsAt: goTimeString(a.startsAt),
        EndsAt: goTimeString(a.endsAt),
        GeneratorURL: a.generatorURL,
        Fingerprint: `00000000000000${i.toString(16).padStart(2, "0")}`,
      })),
    ),
    GroupLabels: kv(group.groupLabels),
    CommonLabels: kv(common((a) => a.labels)),
    CommonAnnotations: kv(common((a) => a.annotations)),
    ExternalURL: group.externalURL,
  };
}

function sampleGroup(status: "firing" | "resolved", hostile = ""): SimGroup {
  const startsAt = new Date("2026-11-23T02:58:00.123Z");
  const endsAt = status === "resolved" ? new Date("2026-11-23T03:20:00Z") : null;
  return {
    receiver: "linklocal-sentinel",
    status,
    groupLabels: { alertname: "LinkLocalAllowanceExceeded", cluster: "prod-eu-1" },
    externalURL: "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-0000/alertmanager",
    alerts: ["10.0.1.17", "10.0.2.9"].map((ip, i) => ({
      status,
      labels: {
        alertname: "LinkLocalAllowanceExceeded",
        cluster: "prod-eu-1",
        device: "eth0",
        instance: `${ip}:9100`,
        severity: "critical",
        ...(hostile ? { team: hostile } : {}),
      },
      annotations: {
        summary: "Packets to link-local services (DNS, IMDS, NTP) are being dropped",
        description: `ENI eth0 exceeded 1024 pps: ${12.5 + i} drops/s${hostile}`,
        value: String(12.5 + i),
      },
      startsAt,
      endsAt,
      generatorURL:
        "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-0000/graph?g0.expr=rate%28x%5B5m%5D%29&g0.tab=1",
    })),
  };
}

function parseBody(body: string) {
  const result = parseAmpMessage(
    { messageId: "m-1", body, subject: null, attributes: {}, topicArn: null, timestamp: null },
    { clusterLabel: "cluster" },
  );
  if (!result.ok) throw new Error(`parser refused the rendered message: ${result.error.reason}\n${body}`);
  return result.group;
}

describe("infra/alertmanager.yaml", () => {
  it("has the two AMP sections, and loads every template file it ships", () => {
    expect(Object.keys(definition).sort()).toEqual(["alertmanager_config", "template_files"]);
    expect(typeof definition.alertmanager_config).toBe("string");
    expect(config.templates).toEqual(Object.keys(templateFiles));
  });

  it("routes the project's alerts, and only them, to its receiver, grouped by alert name and cluster", () => {
    expect(route.matchers).toEqual([expect.stringMatching(/^alertname=~"/)]);
    const [matcher] = route.matchers as string[];
    expect(alertNames.length).toBeGreaterThanOrEqual(3);
    for (const name of alertNames) expect(matches(String(matcher), "alertname", name), name).toBe(true);
    for (const other of [
      "Watchdog",
      "KubePodCrashLooping",
      "LinkLocalAllowanceExceededX",
      "xLinkLocalSentinelHeartbeat",
    ])
      expect(matches(String(matcher), "alertname", other), other).toBe(false);
    // The root only makes the file complete: its receiver notifies nothing, and nothing else routes there.
    expect(root.receiver).toBe("unrouted");
    expect(receivers.find((r) => r.name === root.receiver)).toEqual({ name: "unrouted" });
    expect(root.routes).toHaveLength(1);
    const seconds = (text: unknown) => {
      const match = String(text).match(/^(\d+)(s|m|h|d)$/);
      if (!match) throw new Error(`not a duration: ${text}`);
      return Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as "s" | "m" | "h" | "d"];
    };
    expect(seconds(route.group_wait)).toBeLessThanOrEqual(60);
    expect(seconds(route.group_interval)).toBeGreaterThanOrEqual(60);
    // AMP caps repeat_interval at five days; paging reminders need far less.
    expect(seconds(route.repeat_interval)).toBeLessThanOrEqual(24 * 3600);
    expect(seconds(route.repeat_interval)).toBeGreaterThanOrEqual(seconds(route.group_interval));
  });

  it("notifies SNS the way AMP requires: SigV4 region, no api_url or http_config, resolved too", () => {
    expect(receivers.map((r) => r.name).sort()).toEqual(["linklocal-sentinel", "unrouted"]);
    expect(Object.keys(receiver).sort()).toEqual(["name", "sns_configs"]);
    // The placeholders docs/deploy.md replaces with sed before uploading.
    expect(sns.topic_arn).toBe(["$", "{AMP_TOPIC_ARN}"].join(""));
    expect(sns.sigv4).toEqual({ region: ["$", "{AWS_REGION}"].join("") });
    expect(sns.send_resolved).toBe(true);
    expect(sns.api_url).toBeUndefined();
    expect(sns.http_config).toBeUndefined();
    expect(sns.message).toBe(`{{ template "${MESSAGE}" . }}`);
    for (const value of Object.values(sns.attributes as JsonObject)) expect(String(value)).not.toBe("");
  });

  it("defines only linklocal_sentinel.* templates, so other receivers keep Alertmanager's defaults", () => {
    const source = Object.values(templateFiles).join("\n");
    const defined = [...source.matchAll(/\{\{-?\s*define\s+"([^"]+)"/g)].map((m) => m[1] as string);
    expect(defined.sort()).toEqual([...templates.keys()].sort());
    for (const name of defined) expect(name).toMatch(/^linklocal_sentinel\./);
    // The project's receiver names its message template; the subject is its own inline text.
    expect(String(sns.subject)).not.toMatch(/template "/);
  });

  it("defines its message template with the structure AWS documents", () => {
    expect(templates.has(MESSAGE)).toBe(true);
    const source = Object.values(templateFiles).join("\n");
    const keys = [...source.matchAll(/"([A-Za-z]+)": /g)].map((m) => m[1]);
    expect(keys).toEqual([
      "receiver",
      "status",
      "alerts",
      "status",
      "labels",
      "annotations",
      "startsAt",
      "endsAt",
      "generatorURL",
      "fingerprint",
      "groupLabels",
      "commonLabels",
      "commonAnnotations",
      "externalURL",
    ]);
  });

  it("renders a firing group into JSON the ingest parser reads without repairs", () => {
    const body = executeGoTemplate(templates, { name: MESSAGE }, templateData(sampleGroup("firing")));
    expect(() => JSON.parse(body)).not.toThrow();
    const group = parseBody(body);
    expect(group).toMatchObject({
      status: "firing",
      cluster: "prod-eu-1",
      alertname: "LinkLocalAllowanceExceeded",
    });
    expect(group.alerts.map((a) => a.labels.instance)).toEqual(["10.0.1.17:9100", "10.0.2.9:9100"]);
    expect(group.alerts[0]?.endsAt).toBeNull();
    expect(group.alerts[0]?.startsAt).toBe("2026-11-23T02:58:00.123Z");
    expect(group.alerts[1]?.annotations.value).toBe("13.5");
    expect(group.warnings).toEqual([]);
  });

  it("keeps hostile label values intact where the documented template breaks the JSON", () => {
    const hostile = ` "quoted", it's <b>&\nnew line\\ end`;
    const body = executeGoTemplate(
      templates,
      { name: MESSAGE },
      templateData(sampleGroup("resolved", hostile)),
    );
    const group = parseBody(body);
    expect(group.status).toBe("resolved");
    expect(group.alerts[0]?.labels.team).toBe(hostile);
    expect(group.alerts[0]?.annotations.description).toBe(
      `ENI eth0 exceeded 1024 pps: 12.5 drops/s${hostile}`,
    );
    expect(group.alerts[0]?.endsAt).toBe("2026-11-23T03:20:00.000Z");
    // The same group through the AWS-documented template: what our template reads, it reads too.
    const documented = parseBody(renderAwsJsonTemplate(sampleGroup("resolved"), { escape: "js" }));
    const ours = parseBody(
      executeGoTemplate(templates, { name: MESSAGE }, templateData(sampleGroup("resolved"))),
    );
    expect(ours.alerts.map((a) => [a.labels, a.annotations, a.startsAt, a.endsAt])).toEqual(
      documented.alerts.map((a) => [a.labels, a.annotations, a.startsAt, a.endsAt]),
    );
    expect(ours.commonLabels).toEqual(documented.commonLabels);
  });

  it("renders a short one-line subject", () => {
    const subject = executeGoTemplate(
      templates,
      { text: String(sns.subject) },
      templateData(sampleGroup("firing")),
    );
    expect(subject).toBe("[FIRING:2] LinkLocalAllowanceExceeded prod-eu-1");
    const resolved = executeGoTemplate(
      templates,
      { text: String(sns.subject) },
      templateData(sampleGroup("resolved")),
    );
    expect(resolved).toBe("[RESOLVED] LinkLocalAllowanceExceeded prod-eu-1");
  });
});
