import { afterEach, describe, expect, it } from "vitest";
import {
  changeEventsUrl,
  createPagerDutyNotifier,
  renderScaleChangeEvent,
} from "../../../shared/deliver/pagerduty/index.ts";
import { type ScriptedServer, startScriptedServer } from "../../support/deliver-servers.ts";
import { scaleReportFixture } from "../../support/scale-fixtures.ts";

const ROUTING_KEY = "R0SECRETROUTINGKEY0123456789abcd";
let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("scale reports as PagerDuty change events", () => {
  it("posts to /v2/change/enqueue beside the events endpoint, with the routing key added at send time", async () => {
    server = await startScriptedServer([
      { status: 202, body: '{"status":"success","message":"Change event processed"}' },
    ]);
    const notifier = createPagerDutyNotifier({
      routingKey: ROUTING_KEY,
      eventsUrl: `${server.url}/v2/enqueue`,
    });
    const report = scaleReportFixture({ routes: ["slack", "pagerduty"] });
    expect(await notifier.sendScaleReport(report)).toEqual({ sink: "pagerduty", requests: 1 });
    const [request] = server.requests;
    expect(request?.path).toBe("/v2/change/enqueue");
    expect(request?.body).toBe(
      JSON.stringify({ routing_key: ROUTING_KEY, ...renderScaleChangeEvent(report) }),
    );
    expect(JSON.stringify(renderScaleChangeEvent(report))).not.toContain(ROUTING_KEY);
  });

  it("says what was done, where the replicas landed, and never carries a dedup_key or event_action", () => {
    const event = renderScaleChangeEvent(scaleReportFixture());
    expect(event.payload.summary).toMatch(/^CoreDNS scaled up 2 → 3 on prod-eu: diagnosis COREDNS_COLOCATED/);
    expect(event.payload.custom_details).toMatchObject({
      action: "scaled",
      from: 2,
      to: 3,
      owner: "the coredns Deployment's own spec.replicas (2); no EKS add-on, no autoscaler",
      landed_on: [{ node: "ip-10-10-0-4.ec2.internal", ready: true, throttled: false, spot: true }],
    });
    expect(event).not.toHaveProperty("dedup_key");
    expect(event).not.toHaveProperty("event_action");
    const refusal = renderScaleChangeEvent(
      scaleReportFixture({ action: "refused", guardrail: "cooldown", reason: "x".repeat(5000) }),
    );
    expect(refusal.payload.summary).toMatch(/^CoreDNS scale-up refused \(cooldown\) on prod-eu/);
    expect(refusal.payload.summary.length).toBeLessThanOrEqual(1024);
  });

  it.each([
    ["https://events.pagerduty.com/v2/enqueue", "https://events.pagerduty.com/v2/change/enqueue"],
    ["https://events.eu.pagerduty.com/v2/enqueue", "https://events.eu.pagerduty.com/v2/change/enqueue"],
    ["http://127.0.0.1:8080", "http://127.0.0.1:8080/v2/change/enqueue"],
    ["https://proxy.example/pd/v2/enqueue", "https://proxy.example/pd/v2/change/enqueue"],
  ])("derives the change endpoint from %s", (events, change) => {
    expect(changeEventsUrl(events)).toBe(change);
  });
});
