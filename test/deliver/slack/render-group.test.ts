import { describe, expect, it } from "vitest";
import { renderSlackMessage, type SlackMessage } from "../../../shared/deliver/slack/index.ts";
import { makeAlert, makeGroup, nodeName, rawGroup, resolvedGroup } from "../../support/deliver-fixtures.ts";
import { expectValidSlackMessage, slackTexts } from "../../support/deliver-slack-checks.ts";

const allText = (message: SlackMessage) => slackTexts(message).join("\n");

describe("renderSlackMessage for a firing group", () => {
  const group = makeGroup({}, 3);
  const message = renderSlackMessage(group);

  it("is one valid message for the whole group", () => {
    expectValidSlackMessage(message);
    expect(message.blocks[0]).toEqual({
      type: "header",
      text: {
        type: "plain_text",
        text: ":rotating_light: FIRING: LinkLocalAllowanceExceeded · prod-eu",
        emoji: true,
      },
    });
    expect(message.text).toBe("FIRING: LinkLocalAllowanceExceeded on prod-eu: 3 nodes");
  });

  it("shows cluster, alert, node count, severity and start", () => {
    const text = allText(message);
    expect(text).toContain("*Cluster*\nprod-eu");
    expect(text).toContain("*Nodes affected*\n3 (2 hosting CoreDNS)");
    expect(text).toContain("*Alerts*\n3 firing · 0 resolved");
    expect(text).toContain("*Severity*\ncritical");
    // Slack shows the time in the reader's time zone; the RFC 3339 time is the fallback.
    expect(text).toContain(
      "*Since*\n<!date^1795420800^{date_short_pretty} {time_secs}|2026-11-23T08:00:00Z>",
    );
  });

  it("tabulates every affected node with its facts, CoreDNS hosts first", () => {
    const table = allText(message).split("```")[1] ?? "";
    const rows = table.trim().split("\n");
    expect(rows[0]).toMatch(/^NODE\s+TYPE\s+ZONE\s+CAPACITY\s+COREDNS\s+DROPS$/);
    expect(rows.slice(1).map((row) => row.split(/\s+/)[0])).toEqual([nodeName(1), nodeName(0), nodeName(2)]);
    expect(rows[1]).toMatch(/m5\.large\s+eu-west-1a\s+on-demand\s+yes\s+121$/);
    expect(rows[3]).toMatch(/no\s+122$/);
  });

  it("shows the CoreDNS placement and every diagnosis with its fix", () => {
    const text = allText(message);
    expect(text).toContain("*CoreDNS:* 2/2 replicas ready on 2 nodes");
    expect(text).toContain(`• On spot capacity: \`${nodeName(1)}\``);
    expect(text).toContain("• NodeLocal DNSCache: not installed");
    expect(text).toContain(
      "• Replicas controlled by: EKS add-on coredns v1.11.3-eksbuild.2 with replicaCount 2",
    );
    expect(text).toContain("*`COREDNS_ON_THROTTLED_NODE`* 2 of 3 throttled nodes host CoreDNS replicas");
    expect(text).toContain("*Fix:* Install NodeLocal DNSCache so pods resolve through a per-node cache");
  });

  it("links the query, the runbook and Alertmanager", () => {
    const text = allText(message);
    expect(text).toContain("<https://runbooks.example.com/linklocal|Runbook>");
    expect(text).toContain("<https://alertmanager.example.com/|Alertmanager>");
    expect(text).toMatch(/<https:\/\/prometheus\.example\.com\/graph\?g0\.expr=[^|>]+\|Prometheus query>/);
  });
});

describe("renderSlackMessage edge cases", () => {
  it("on EKS Auto Mode says there is no CoreDNS Deployment and why, instead of 0/0 replicas", () => {
    const base = makeGroup({}, 1);
    const detail =
      "EKS Auto Mode (DescribeCluster computeConfig): AWS runs cluster DNS on each Auto Mode node";
    const coredns = base.coredns && {
      ...base.coredns,
      deployment: null,
      desiredReplicas: 0,
      readyReplicas: 0,
      pods: [],
      nodes: [],
      replicaController: { kind: "eks-auto-mode" as const, detail },
    };
    const text = allText(renderSlackMessage({ ...base, coredns }));
    expect(text).toContain(`*CoreDNS:* no CoreDNS Deployment: ${detail}`);
    expect(text).not.toContain("replicas ready");
  });

  it("gives a resolved group its own resolved look, without diagnosis", () => {
    const message = renderSlackMessage(resolvedGroup());
    expectValidSlackMessage(message);
    const text = allText(message);
    expect(text).toContain(":white_check_mark: RESOLVED: LinkLocalAllowanceExceeded · prod-eu");
    expect(text).toContain("*Recovered nodes*");
    expect(text).toContain("*Alerts*\n0 firing · 3 resolved");
    expect(text).not.toContain("*Fix:*");
    expect(message.text).toMatch(/^RESOLVED:/);
  });

  it("summarises a 1,000-node group within Slack's limits", () => {
    const message = renderSlackMessage(makeGroup({}, 1_000));
    expectValidSlackMessage(message);
    const text = allText(message);
    expect(text).toContain("*Nodes affected*\n1000 (2 hosting CoreDNS)");
    expect(text).toMatch(/\+970 more nodes \(showing 30 of 1000\)/);
  });

  it("folds alerts of the same node into one row with the worst drop rate", () => {
    const alerts = [
      makeAlert(5, { annotations: { value: "10" } }),
      makeAlert(5, { annotations: { value: "900.123" }, fingerprint: "other" }),
    ];
    const text = allText(renderSlackMessage(makeGroup({ alerts })));
    expect(text).toContain("*Nodes affected*\n1");
    expect(text).toMatch(/no\s+900\.1\n/);
  });

  it("names alerts without node facts by their instance and shows why enrichment failed", () => {
    const alerts = [
      makeAlert(0, { node: null, enrichmentError: "no node has InternalIP 10.0.0.1" }),
      makeAlert(1, { node: null, enrichmentError: "no node has InternalIP 10.0.0.1" }),
    ];
    const message = renderSlackMessage(makeGroup({ alerts, coredns: null }));
    expectValidSlackMessage(message);
    const text = allText(message);
    expect(text).toMatch(/10\.0\.0\.1:9100\s+-\s+-\s+-\s+\?/);
    expect(text).toContain(":warning: Enrichment: no node has InternalIP 10.0.0.1 (2 alerts)");
    expect(text).toContain("*CoreDNS:* placement unknown");
  });

  it("warns when the message was truncated upstream", () => {
    const text = allText(renderSlackMessage(makeGroup({ truncated: true, truncatedAlerts: 412 })));
    expect(text).toContain("412 alerts missing");
  });

  it("does not link non-http URLs", () => {
    const group = makeGroup({
      commonAnnotations: { runbook_url: "javascript:alert(1)" },
      externalURL: "file:///etc/passwd",
    });
    const text = allText(renderSlackMessage(group));
    expect(text).not.toContain("javascript:");
    expect(text).not.toContain("file:");
    expect(text).not.toContain("|Runbook>");
  });

  it("caps the diagnosis list and says how many more there are", () => {
    const diagnosis = Array.from({ length: 12 }, (_, index) => ({
      code: "NON_COREDNS_NODE_THROTTLED" as const,
      reason: `finding ${index}`,
      fix: "look",
      nodes: [],
    }));
    const message = renderSlackMessage(makeGroup({ diagnosis }));
    expectValidSlackMessage(message);
    expect(allText(message)).toContain("+4 more findings");
  });
});

describe("raw fallback", () => {
  it("posts the text in an escaped code block with the reason", () => {
    const message = renderSlackMessage(rawGroup({ text: "```\n<!channel> & friends\n```" }));
    expectValidSlackMessage(message);
    const text = allText(message);
    expect(text).toContain(":grey_question: Unparsed alert message");
    expect(text).toContain("*Why it could not be parsed:* no known message format matched");
    expect(text).toContain("```\nˋˋˋ\n&lt;!channel&gt; &amp; friends\nˋˋˋ\n```");
  });

  it("cuts a long text within the section limit, on a character boundary, with a marker", () => {
    const message = renderSlackMessage(rawGroup({ text: "🚨".repeat(100_000), cut: true }));
    expectValidSlackMessage(message);
    const text = allText(message);
    expect(text).toContain("\n… [cut]\n```");
    expect(text).toMatch(/the text was already cut in transit; \d+ more characters not shown here/);
  });
});
