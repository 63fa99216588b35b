import { DescribeClusterCommand, EKSClient, ResourceNotFoundException } from "@aws-sdk/client-eks";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { EnrichedAlertGroup } from "../../shared/model/index.ts";
import { decodeGroupBody } from "../../shared/model/internal-message.ts";
import { parseAmpMessage } from "../../shared/parse/index.ts";
import { snsLambdaEvent } from "../../sim/alertmanager-messages.ts";
import { debianToolsPresent } from "../support/debian-tools.ts";
import {
  AMP_TOPIC_ARN,
  type CapturedPublish,
  type GettableAlert,
  heldAlerts,
  type PostableAlert,
  postAlerts,
  type RunningAlertmanager,
  startAlertmanager,
  startSnsStandIn,
  TEST_ACCESS_KEY,
  type TemplateVariant,
  waitFor,
} from "../support/real-alertmanager.ts";

/**
 * Debian's Alertmanager 0.25 publishes to a loopback SNS stand-in with the project's template, the
 * AWS-documented template and no template; every Publish goes through the real ingest handler, and what
 * comes out is compared with what the Alertmanager itself holds (`GET /api/v2/alerts`).
 */
const present = debianToolsPresent(["prometheus-alertmanager"], "real-Alertmanager tests");
const VARIANTS: TemplateVariant[] = [
  "project",
  "aws-documented",
  "aws-documented-without-external-url",
  "aws-documented-ending-at-common-labels",
  "none",
];
const FLAG = "\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}";
const HOSTILE = {
  quotes: 'ENI "eth0" on node "ip-10-0-1-23", 1500 pps over',
  backslashes: "C:\\ProgramData\\new_folder\\temp \\\\fileserver\\share\\",
  apostrophe: "it's O'Brien's node",
  unicode: `${FLAG} \u{1F680} \u200Fשלום\u200E ünïcødé`,
  mentions: "<!channel> <@U123> <https://evil.example|click>",
  separators: 'a", "b": "c {"x": 1}, [1, 2]',
};
const LONG_VALUE = `${"x".repeat(4_990)}-end`;

const internal = mockClient(SNSClient);
const eks = mockClient(EKSClient);

/** Runs one captured Publish through the ingest Lambda handler and returns the group it published. */
async function ingest(publish: CapturedPublish, messageId: string): Promise<EnrichedAlertGroup> {
  internal.reset();
  internal.on(PublishCommand).resolves({ MessageId: `internal-${messageId}` });
  eks.reset();
  eks
    .on(DescribeClusterCommand)
    .rejects(new ResourceNotFoundException({ message: "no cluster", $metadata: {} }));
  const { handler } = await import("../../functions/ingest/index.ts");
  const event = snsLambdaEvent(
    [
      {
        body: publish.message,
        subject: publish.subject ?? undefined,
        attributes: publish.attributes,
        messageId,
      },
    ],
    AMP_TOPIC_ARN,
  );
  await handler(event);
  const [call] = internal.commandCalls(PublishCommand);
  return decodeGroupBody(JSON.parse(call?.args[0].input.Message ?? "null")) as EnrichedAlertGroup;
}

function alertsOf(cluster: string, count: number, extra: (i: number) => Partial<PostableAlert> = () => ({})) {
  const startsAt = new Date(Date.now() - 60_000).toISOString();
  return Array.from({ length: count }, (_, i): PostableAlert => {
    const more = extra(i);
    return {
      labels: {
        alertname: "LinkLocalAllowanceExceeded",
        cluster,
        device: "eth0",
        instance: `10.0.${Math.floor(i / 250)}.${(i % 250) + 4}:9100`,
        severity: "critical",
        ...more.labels,
      },
      annotations: { summary: "Packets to link-local services are being dropped", ...more.annotations },
      startsAt: more.startsAt ?? startsAt,
      ...(more.endsAt ? { endsAt: more.endsAt } : {}),
      generatorURL:
        "http://prometheus:9090/graph?g0.expr=rate%28node_ethtool_linklocal_allowance_exceeded%5B5m%5D%29&g0.tab=1",
    };
  });
}

/** The published alerts equal what Alertmanager holds: labels, annotations, times, status, fingerprints. */
function expectSameAlerts(group: EnrichedAlertGroup, held: GettableAlert[], variant: TemplateVariant) {
  const byFingerprint = new Map(held.map((a) => [a.fingerprint, a]));
  for (const alert of group.alerts) {
    const original = byFingerprint.get(alert.fingerprint);
    expect(original, `alert ${alert.fingerprint} is one Alertmanager holds`).toBeDefined();
    if (!original) continue;
    expect(alert.labels).toEqual(original.labels);
    expect(alert.annotations).toEqual(original.annotations);
    // The default text template prints no times.
    if (variant !== "none") expect(Date.parse(alert.startsAt ?? "")).toBe(Date.parse(original.startsAt));
  }
}

describe.runIf(present)(
  "a real Alertmanager publishing to SNS, read by the ingest handler",
  () => {
    const running = new Map<
      TemplateVariant,
      { am: RunningAlertmanager; publishes: CapturedPublish[]; close(): Promise<void> }
    >();
    let messageIds = 0;

    /**
     * The first publish for `cluster` whose subject starts with `status` (`[FIRING:300]`), through the
     * ingest handler. It waits for the count, not the first notification: on a busy machine the first one of
     * a burst may hold only the alerts Alertmanager had taken in by then, as real ones do.
     */
    async function nextGroup(variant: TemplateVariant, cluster: string, status: string) {
      const { publishes } = running.get(variant)!;
      const publish = await waitFor(
        () =>
          publishes.find(
            (p) => (p.subject ?? "").startsWith(status) && (p.subject ?? "").endsWith(` ${cluster}`),
          ) ?? null,
        `${variant}: a ${status} notification for ${cluster}`,
      );
      return { publish, group: await ingest(publish, `am-${variant}-${++messageIds}`) };
    }

    beforeAll(async () => {
      vi.stubEnv("INTERNAL_TOPIC_ARN", "arn:aws:sns:us-east-1:111122223333:internal");
      vi.stubEnv("AWS_REGION", "us-east-1");
      vi.stubEnv("POWERTOOLS_LOG_LEVEL", "SILENT");
      await Promise.all(
        VARIANTS.map(async (variant) => {
          const sns = await startSnsStandIn();
          const am = await startAlertmanager(variant, sns.url);
          running.set(variant, { am, publishes: sns.publishes, close: sns.close });
          await postAlerts(am, [
            ...alertsOf("plain", 3),
            ...alertsOf("hostile", Object.keys(HOSTILE).length + 1, (i) => {
              const [name, value] = Object.entries(HOSTILE)[i] ?? ["long", LONG_VALUE];
              return {
                labels: { [name]: value, constructor: "c", toString: "t" },
                annotations: { description: `${value}\nsecond line\twith a tab`, [`${name}_note`]: value },
              };
            }),
            ...alertsOf("big", 300),
            ...alertsOf("separators", 2, (i) => ({
              labels: { value: i === 0 ? 'x", "y' : '"eth0", 1500' },
              annotations: { description: i === 0 ? 'ends with a quote"' : HOSTILE.quotes },
            })),
            // Each alert about 1 KB: the group renders past SNS's 256 KB, so the notifier cuts it as AMP does.
            ...alertsOf("cut", 300, (i) => ({ annotations: { description: `${i} ${"d".repeat(1_000)}` } })),
          ]);
        }),
      );
    }, 120_000);

    afterAll(async () => {
      vi.unstubAllEnvs();
      await Promise.all([...running.values()].map(async (r) => Promise.all([r.am.stop(), r.close()])));
    });

    describe.each(VARIANTS)("with the %s template", (variant) => {
      it("signs the Publish with SigV4 and the configured keys, and the project's attributes", async () => {
        const { publish } = await nextGroup(variant, "plain", "[FIRING:3]");
        expect(publish.topicArn).toBe(AMP_TOPIC_ARN);
        expect(publish.authorization).toMatch(
          new RegExp(`^AWS4-HMAC-SHA256 Credential=${TEST_ACCESS_KEY}/\\d{8}/us-east-1/sns/aws4_request`),
        );
        expect(publish.attributes).toMatchObject({ producer: "amp-alertmanager", status: "firing" });
      });

      it("reads a plain 3-alert group exactly", async () => {
        const { group } = await nextGroup(variant, "plain", "[FIRING:3]");
        const held = await heldAlerts(running.get(variant)!.am);
        expect(group.raw).toBeNull();
        // Whole as Alertmanager sent it, whichever keys the template's copy ends with.
        expect([group.truncated, group.truncatedAlerts]).toEqual([false, 0]);
        expect([group.status, group.cluster, group.alertname, group.alerts.length]).toEqual([
          "firing",
          "plain",
          "LinkLocalAllowanceExceeded",
          3,
        ]);
        expectSameAlerts(
          group,
          held.filter((a) => a.labels.cluster === "plain"),
          variant,
        );
        expect(group.alerts.every((a) => a.endsAt === null && a.status === "firing")).toBe(true);
      });

      it("reads hostile values exactly: quotes, backslashes, ', newlines, tabs, non-BMP, RTL, mentions, 5,000 characters", async () => {
        const { group } = await nextGroup(variant, "hostile", `[FIRING:${Object.keys(HOSTILE).length + 1}]`);
        const held = (await heldAlerts(running.get(variant)!.am)).filter(
          (a) => a.labels.cluster === "hostile",
        );
        expect(group.raw).toBeNull();
        expect(group.truncated).toBe(false);
        expect(group.alerts).toHaveLength(held.length);
        expectSameAlerts(group, held, variant);
        const values = group.alerts.flatMap((a) => Object.values(a.labels));
        for (const value of [...Object.values(HOSTILE), LONG_VALUE]) expect(values).toContain(value);
      });

      it("reads a 300-alert group, every fingerprint Alertmanager's own", async () => {
        const { publish, group } = await nextGroup(variant, "big", "[FIRING:300]");
        const held = (await heldAlerts(running.get(variant)!.am)).filter((a) => a.labels.cluster === "big");
        const read = parseAmpMessage(
          {
            messageId: "m",
            body: publish.message,
            subject: publish.subject,
            attributes: publish.attributes,
            topicArn: null,
            timestamp: null,
          },
          { clusterLabel: "cluster" },
        );
        expect(read.ok && read.group.alerts.map((a) => a.fingerprint).sort()).toEqual(
          held.map((a) => a.fingerprint).sort(),
        );
        // Enrichment doubles the group's size; it still travels whole (gzipped) on the internal topic.
        expect(group.alerts).toHaveLength(300);
        expect([group.truncated, group.truncatedAlerts]).toEqual([false, 0]);
        expectSameAlerts(group, held, variant);
      });

      it('reads values holding `", "` and a quote, a comma and a number', async () => {
        const { group } = await nextGroup(variant, "separators", "[FIRING:2]");
        const held = (await heldAlerts(running.get(variant)!.am)).filter(
          (a) => a.labels.cluster === "separators",
        );
        expect(group.raw).toBeNull();
        expect(group.alerts.map((a) => a.labels.value).sort()).toEqual(['"eth0", 1500', 'x", "y']);
        expectSameAlerts(group, held, variant);
      });

      it("reports the true number of alerts a body cut at 256 KB lost", async () => {
        const { publish, group } = await nextGroup(variant, "cut", "[FIRING:300]");
        expect(publish.attributes.truncated).toBe("true");
        expect(Buffer.byteLength(publish.message)).toBeLessThanOrEqual(256 * 1024);
        const held = (await heldAlerts(running.get(variant)!.am)).filter((a) => a.labels.cluster === "cut");
        expect(group.truncated).toBe(true);
        expect(group.alerts.length).toBeGreaterThan(0);
        expect(group.alerts.length + group.truncatedAlerts).toBe(300);
        expectSameAlerts(group, held, variant);
      });

      it("follows a group from firing to partly resolved to resolved", async () => {
        const am = running.get(variant)!.am;
        const cluster = `lifecycle-${variant}`;
        const firing = alertsOf(cluster, 4);
        await postAlerts(am, firing);
        const first = await nextGroup(variant, cluster, "[FIRING:4]");
        expect(first.group.alerts.map((a) => a.status)).toEqual(["firing", "firing", "firing", "firing"]);
        const fingerprints = new Map(
          (await heldAlerts(am))
            .filter((a) => a.labels.cluster === cluster)
            .map((a) => [a.labels.instance, a.fingerprint]),
        );
        expectSameAlerts(
          first.group,
          [...(await heldAlerts(am))].filter((a) => a.labels.cluster === cluster),
          variant,
        );

        const endsAt = new Date(Date.now() - 1_000).toISOString();
        await postAlerts(
          am,
          firing.slice(0, 2).map((a) => ({ ...a, endsAt })),
        );
        const partly = await nextGroup(variant, cluster, "[FIRING:2]");
        const resolvedNow = partly.group.alerts.filter((a) => a.status === "resolved");
        expect(partly.group.status).toBe("firing");
        expect(resolvedNow.map((a) => a.fingerprint).sort()).toEqual(
          firing
            .slice(0, 2)
            .map((a) => fingerprints.get(a.labels.instance as string))
            .sort(),
        );
        if (variant !== "none")
          for (const a of resolvedNow) expect(Date.parse(a.endsAt ?? "")).toBe(Date.parse(endsAt));

        await postAlerts(
          am,
          firing.map((a) => ({ ...a, endsAt })),
        );
        const last = await nextGroup(variant, cluster, "[RESOLVED]");
        expect(last.group.status).toBe("resolved");
        expect(last.group.alerts.length).toBeGreaterThan(0);
        expect(last.group.alerts.every((a) => a.status === "resolved")).toBe(true);
        for (const a of last.group.alerts) expect([...fingerprints.values()]).toContain(a.fingerprint);
      }, 90_000);
    });
  },
  180_000,
);
