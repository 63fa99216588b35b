import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseAmpMessage } from "../../shared/parse/index.ts";
import { debianToolsPresent } from "../support/debian-tools.ts";
import {
  type AlertmanagerConfig,
  AMP_TOPIC_ARN,
  type CapturedPublish,
  loopbackConfig,
  mergeProjectDefinition,
  type PostableAlert,
  postAlerts,
  type RunningAlertmanager,
  startAlertmanagerWith,
  startSnsStandIn,
  waitFor,
} from "../support/real-alertmanager.ts";

/**
 * The project's definition merged into a workspace that already notifies its own SNS topic, as docs/deploy.md
 * says: Debian's Alertmanager 0.25 runs the merged configuration, and a second one runs the user's
 * configuration alone. The user's receiver must publish exactly what it published before the merge
 * (Alertmanager's default `sns.default.message` and subject), while the project's alerts reach the project's
 * topic in the project's JSON.
 */
const present = debianToolsPresent(["prometheus-alertmanager"], "merged Alertmanager definition");
const TEAM_TOPIC = "arn:aws:sns:us-east-1:111122223333:team-alerts";

/** A workspace's definition before the merge: one SNS receiver at the root, with a template file of its own. */
const existing: { templateFiles: Record<string, string>; config: AlertmanagerConfig } = {
  templateFiles: { team: '{{ define "team.runbook" }}https://wiki.example/runbooks{{ end }}' },
  config: {
    templates: ["team"],
    route: { receiver: "team-sns", group_by: ["alertname"] },
    receivers: [
      { name: "team-sns", sns_configs: [{ topic_arn: TEAM_TOPIC, sigv4: { region: "us-east-1" } }] },
    ],
  },
};

const startsAt = new Date(Date.now() - 60_000).toISOString();
const unrelated: PostableAlert = {
  labels: { alertname: "DiskPressure", cluster: "prod", instance: "10.0.3.7:9100", severity: "critical" },
  annotations: { summary: "Disk almost full", description: 'node "ip-10-0-3-7" at 93%' },
  startsAt,
  generatorURL: "http://prometheus:9090/graph?g0.expr=disk",
};
const ours: PostableAlert = {
  labels: {
    alertname: "LinkLocalAllowanceExceeded",
    cluster: "prod",
    device: "eth1",
    instance: "10.0.3.7:9100",
    severity: "critical",
  },
  annotations: { summary: "Packets to link-local services are being dropped" },
  startsAt,
  generatorURL: "http://prometheus:9090/graph?g0.expr=rate",
};

describe.runIf(present)(
  "the project's definition merged into an existing one, on a real Alertmanager",
  () => {
    const peers: { am: RunningAlertmanager; close(): Promise<void> }[] = [];
    let merged: CapturedPublish[] = [];
    let alone: CapturedPublish[] = [];

    async function start(definition: typeof existing, alerts: PostableAlert[]) {
      const sns = await startSnsStandIn();
      const am = await startAlertmanagerWith("merge", (dir) =>
        stringify(loopbackConfig(definition, sns.url, dir)),
      );
      peers.push({ am, close: sns.close });
      await postAlerts(am, alerts);
      return sns.publishes;
    }

    const publishOf = (publishes: CapturedPublish[], topic: string, alertname: string) =>
      waitFor(
        () => publishes.find((p) => p.topicArn === topic && (p.subject ?? "").includes(alertname)) ?? null,
        `a ${alertname} notification on ${topic}`,
      );

    beforeAll(async () => {
      [merged, alone] = await Promise.all([
        start(mergeProjectDefinition(existing), [unrelated, ours]),
        start(existing, [unrelated]),
      ]);
    }, 120_000);

    afterAll(async () => {
      await Promise.all(peers.map(async (p) => Promise.all([p.am.stop(), p.close()])));
    });

    it("leaves the other SNS receiver's message and subject as Alertmanager's defaults", async () => {
      const [after, before] = await Promise.all([
        publishOf(merged, TEAM_TOPIC, "DiskPressure"),
        publishOf(alone, TEAM_TOPIC, "DiskPressure"),
      ]);
      expect(after.message).toBe(before.message);
      expect(after.subject).toBe(before.subject);
      // What Alertmanager's default text looks like, not the project's JSON.
      expect(after.message).toContain("Alerts Firing:");
      expect(after.message).toContain(" - alertname = DiskPressure");
      expect(after.message.trimStart().startsWith("{")).toBe(false);
    });

    it("sends the project's alerts to the project's topic only, in the project's JSON", async () => {
      const publish = await publishOf(merged, AMP_TOPIC_ARN, "LinkLocalAllowanceExceeded");
      expect(publish.message.startsWith('{"receiver": "linklocal-sentinel", "status": "firing"')).toBe(true);
      const read = parseAmpMessage(
        {
          messageId: "m-merge",
          body: publish.message,
          subject: publish.subject,
          attributes: publish.attributes,
          topicArn: null,
          timestamp: null,
        },
        { clusterLabel: "cluster" },
      );
      expect(read.ok && read.group.alerts.map((a) => a.labels)).toEqual([ours.labels]);
      expect(merged.filter((p) => p.topicArn === TEAM_TOPIC).map((p) => p.subject)).not.toContainEqual(
        expect.stringContaining("LinkLocal"),
      );
      expect(merged.filter((p) => p.topicArn === AMP_TOPIC_ARN).map((p) => p.subject)).not.toContainEqual(
        expect.stringContaining("DiskPressure"),
      );
    });
  },
  180_000,
);
