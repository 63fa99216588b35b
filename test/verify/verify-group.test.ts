import { afterEach, describe, expect, it } from "vitest";
import {
  createPagerDutyNotifier,
  renderVerificationChangeEvent,
} from "../../shared/deliver/pagerduty/index.ts";
import { renderVerification } from "../../shared/deliver/slack/index.ts";
import { createDeliveryGuard } from "../../shared/idempotency/index.ts";
import type { VerificationReport } from "../../shared/model/index.ts";
import { notifySnsEvent } from "../../shared/notify/index.ts";
import { targetOfGroup } from "../../shared/verify/follow-up-target.ts";
import type { RateSeries } from "../../shared/verify/verdict.ts";
import { verifyTarget } from "../../shared/verify/verify-group.ts";
import { type ScriptedServer, startScriptedServer } from "../support/deliver-servers.ts";
import { expectValidSlackMessage, slackTexts } from "../support/deliver-slack-checks.ts";
import { nodeFacts } from "../support/enrich-diagnosis.ts";
import { enrichedGroup } from "../support/routing-groups.ts";

/** The follow-up of a firing group: the check, its message in Slack and PagerDuty, delivered once per sink. */
const NOW = Date.parse("2026-11-23T09:00:00Z") / 1000;
let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function group() {
  const base = enrichedGroup({ cluster: "prod", routes: ["slack", "pagerduty", "coredns-scale"] });
  const alert = base.alerts[0] as (typeof base.alerts)[number];
  return {
    ...base,
    alerts: [
      {
        ...alert,
        startsAt: "2026-11-23T08:00:00Z",
        labels: { ...alert.labels, node: "n-1" },
        node: nodeFacts("n-1"),
      },
      {
        ...alert,
        fingerprint: "f2",
        startsAt: "2026-11-23T08:10:00Z",
        labels: { ...alert.labels, node: "n-2" },
        node: nodeFacts("n-2"),
      },
    ],
  };
}

describe("verifyTarget of a group", () => {
  it("asks for the group's nodes since just before its first drop and judges now", async () => {
    const asked: { promql: string; start: number; end: number }[] = [];
    const series: RateSeries[] = [
      { node: "n-1", values: [[NOW - 2400, 9]] },
      { node: "n-2", values: [[NOW - 60, 4]] },
    ];
    const report = await verifyTarget(targetOfGroup(group()), {
      now: NOW,
      query: async (promql, range) => {
        asked.push({ promql, start: range.start, end: range.end });
        return series;
      },
    });
    expect(asked[0]?.promql).toContain('cluster="prod",node=~"n-1|n-2"');
    expect(asked[0]?.start).toBe(Date.parse("2026-11-23T08:00:00Z") / 1000 - 300);
    expect(asked[0]?.end).toBe(NOW);
    expect(report).toMatchObject({
      kind: "verification",
      stopped: false,
      summary: "still dropping on 1 of 2 node(s): n-2",
      routes: ["slack", "pagerduty"],
      messageId: group().source.messageId,
    });
  });

  it("has nothing to ask without nodes", async () => {
    const base = enrichedGroup({ cluster: "prod" });
    const report = await verifyTarget(
      targetOfGroup({
        ...base,
        alerts: base.alerts.map((a) => ({ ...a, node: null, labels: { ...a.labels, node: "" } })),
      }),
      {
        now: NOW,
        query: async () => [],
      },
    );
    expect(report).toBeNull();
  });
});

const stopped: VerificationReport = {
  schemaVersion: 1,
  kind: "verification",
  cluster: "prod",
  alertname: "LinkLocalAllowanceExceeded",
  messageId: "m-1",
  checkedAt: "2026-11-23T09:00:00.000Z",
  checked: true,
  stopped: true,
  summary: "drops stopped at 08:14 UTC on every node",
  after: null,
  next: null,
  nodes: [{ node: "n-1", state: "stopped", lastDropAt: NOW - 2760 }],
  routes: ["slack", "pagerduty"],
};

describe("the follow-up message", () => {
  it("says in Slack whether the drops stopped, node by node", () => {
    const message = renderVerification(stopped);
    expectValidSlackMessage(message);
    const text = slackTexts(message).join("\n");
    expect(text).toContain(":white_check_mark: Drops stopped · prod");
    expect(text).toContain("drops stopped at 08:14 UTC on every node");
    const still = renderVerification({
      ...stopped,
      stopped: false,
      summary: "still dropping on 1 of 1 node(s): n-1",
      next: "apply the first message's finding, then run linklocal-sentinel verify --cluster prod --nodes n-1",
      nodes: [{ node: "n-1", state: "dropping", lastDropAt: NOW, rate: 4 }],
    });
    expectValidSlackMessage(still);
    const stillText = slackTexts(still).join("\n");
    expect(stillText).toContain(":warning: Still dropping · prod");
    expect(stillText).toContain("`n-1` still dropping (4.0/s)");
    expect(stillText).toContain(
      "*Next:* apply the first message's finding, then run linklocal-sentinel verify --cluster prod --nodes n-1",
    );
    const unchecked = renderVerification({
      ...stopped,
      checked: false,
      stopped: false,
      summary: "could not ask AMP whether the drops stopped: the PromQL query answered 503",
      next: "look at the drops on the dashboard",
      nodes: [],
    });
    expectValidSlackMessage(unchecked);
    const uncheckedText = slackTexts(unchecked).join("\n");
    expect(uncheckedText).toContain(":grey_question: Not verified · prod");
    expect(uncheckedText).toContain("*Next:* look at the drops on the dashboard");
  });

  it("is a PagerDuty change event on the service", async () => {
    server = await startScriptedServer([{ status: 202, body: "{}" }]);
    const notifier = createPagerDutyNotifier({
      routingKey: "R0UTINGKEY0123456789abcdef012345",
      eventsUrl: `${server.url}/v2/enqueue`,
    });
    await notifier.sendVerification(stopped);
    expect(server.requests[0]?.path).toBe("/v2/change/enqueue");
    expect(JSON.parse(server.requests[0]?.body ?? "{}")).toMatchObject({
      ...renderVerificationChangeEvent(stopped),
      routing_key: "R0UTINGKEY0123456789abcdef012345",
    });
  });

  it("is delivered once per sink through the notify path", async () => {
    const sent: VerificationReport[] = [];
    const notifier = {
      sink: "slack" as const,
      render: () => [],
      send: async () => ({ sink: "slack" as const, requests: 1 }),
      sendScaleReport: async () => ({ sink: "slack" as const, requests: 1 }),
      sendVerification: async (report: VerificationReport) => {
        sent.push(report);
        return { sink: "slack" as const, requests: 1 };
      },
    };
    const logger = { info: () => {}, warn: () => {}, error: () => {}, setCorrelationId: () => {} };
    const deps = {
      sink: "slack" as const,
      getNotifier: async () => notifier,
      guard: createDeliveryGuard({ tableName: null, expiresAfterSeconds: 60 }),
      logger,
    };
    const outcomes = await notifySnsEvent(
      { Records: [{ Sns: { MessageId: "i-1", Message: JSON.stringify(stopped) } }] },
      deps as never,
    );
    expect(outcomes).toEqual([{ messageId: "verification:m-1", status: "delivered", requests: 1 }]);
    expect(sent).toEqual([stopped]);
  });
});
