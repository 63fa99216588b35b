import { describe, expect, it } from "vitest";
import { renderPagerDutyEvent } from "../../shared/deliver/pagerduty/index.ts";
import { renderSlackMessage } from "../../shared/deliver/slack/index.ts";
import { diagnose, HEADROOM_ALERTNAME, headroomReplicas } from "../../shared/diagnose/index.ts";
import type { EnrichedAlertGroup } from "../../shared/model/index.ts";
import { parseAmpMessage } from "../../shared/parse/index.ts";
import { linkLocalGroup, renderWebhookV4 } from "../../sim/alertmanager-messages.ts";
import { expectValidSlackMessage, slackTexts } from "../support/deliver-slack-checks.ts";
import { nodeFacts, placement } from "../support/enrich-diagnosis.ts";

/** The headroom warning through parse, diagnosis and both renderers. */
function headroomGroup(shares: Record<string, number>): EnrichedAlertGroup {
  const sim = linkLocalGroup({ count: Object.keys(shares).length, cluster: "prod" });
  sim.groupLabels = { alertname: HEADROOM_ALERTNAME, cluster: "prod" };
  Object.entries(shares).forEach(([node, share], i) => {
    const alert = sim.alerts[i];
    if (!alert) return;
    alert.labels = { alertname: HEADROOM_ALERTNAME, cluster: "prod", node, severity: "warning" };
    alert.annotations = { summary: `No drops yet: ${node}`, value: String(share) };
  });
  const parsed = parseAmpMessage(
    {
      messageId: "hr-1",
      body: renderWebhookV4(sim),
      subject: null,
      attributes: {},
      topicArn: null,
      timestamp: null,
    },
    { clusterLabel: "cluster" },
  );
  if (!parsed.ok) throw new Error(parsed.error.reason);
  const alerts = parsed.group.alerts.map((a) => ({
    ...a,
    node: nodeFacts(a.labels.node ?? "", { hostsCoreDNS: true }),
  }));
  const coredns = placement({ desiredReplicas: 2, readyReplicas: 2 });
  return {
    ...parsed.group,
    schemaVersion: 1,
    alerts,
    coredns,
    diagnosis: diagnose(alerts, coredns, [], { clusterName: "prod" }),
    routes: ["slack"],
  };
}

describe("the headroom warning", () => {
  it("is parsed as any alert, and gets no drop finding", () => {
    const group = headroomGroup({ "ip-10-0-0-1": 0.78125 });
    expect(group.alertname).toBe(HEADROOM_ALERTNAME);
    expect(group.diagnosis).toEqual([]);
  });

  it("leads the Slack message with how close the busiest node is and the replicas that give room", () => {
    const message = renderSlackMessage(headroomGroup({ "ip-10-0-0-1": 0.78125, "ip-10-0-0-9": 0.8789 }));
    expectValidSlackMessage(message);
    const first = message.blocks[1];
    const text = first?.type === "section" ? (first.text?.text ?? "") : "";
    expect(text).toContain(
      "*No drops yet:* `ip-10-0-0-9` forwards DNS at 88% of its link-local allowance (worst of 2 nodes)",
    );
    expect(text).toContain(
      "*Do now:* scale CoreDNS from 2 to 4 replicas so each CoreDNS node stays under 50%",
    );
    expect(text).toMatch(/```\nkubectl -n kube-system scale deployment\/coredns --replicas=4\n```/);
    expect(slackTexts(message).join("\n")).not.toContain("Most likely");
  });

  it("sizes the scale-up to bring the busiest node under half the allowance, at least one more", () => {
    const coredns = placement({ desiredReplicas: 3 });
    expect(headroomReplicas(coredns, 0.72)).toEqual({ from: 3, to: 5 });
    expect(headroomReplicas(coredns, 0.4)).toEqual({ from: 3, to: 4 });
    expect(headroomReplicas(null, 0.9)).toBeNull();
  });

  it("tells PagerDuty there are no drops yet", () => {
    const event = renderPagerDutyEvent(headroomGroup({ "ip-10-0-0-1": 0.8 }));
    expect(event.payload?.summary).toMatch(
      /^\[FIRING:1\] LinkLocalAllowanceHeadroomLow on prod: no drops yet; 1 node near the link-local allowance/,
    );
  });
});
