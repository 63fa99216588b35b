import type {
  CoreDnsPlacement,
  EnrichedAlert,
  EnrichedAlertGroup,
  NodeFacts,
  RawFallback,
} from "../../shared/model/index.ts";
import { CLASSIC_COREDNS } from "./enrich-diagnosis.ts";

/** Real-shaped enriched alert groups for the delivery tests; every call returns fresh objects. */

export function makeNode(name: string, overrides: Partial<NodeFacts> = {}): NodeFacts {
  return {
    name,
    instanceId: `i-0${name.length.toString(16).padStart(16, "a")}`,
    instanceType: "m5.large",
    zone: "eu-west-1a",
    capacityType: "on-demand",
    nodegroup: "general",
    ready: true,
    createdAt: "2026-11-01T10:00:00Z",
    hostsCoreDNS: false,
    runsNodeLocalDNS: false,
    computeType: "ec2",
    ...overrides,
  };
}

export function nodeName(index: number): string {
  return `ip-10-0-${Math.floor(index / 250)}-${(index % 250) + 1}.eu-west-1.compute.internal`;
}

export function makeAlert(index: number, overrides: Partial<EnrichedAlert> = {}): EnrichedAlert {
  const name = nodeName(index);
  return {
    status: "firing",
    labels: {
      alertname: "LinkLocalAllowanceExceeded",
      cluster: "prod-eu",
      severity: "critical",
      instance: `10.0.${Math.floor(index / 250)}.${(index % 250) + 1}:9100`,
      device: "eth0",
    },
    annotations: {
      summary: "Link-local packets dropped on the node's ENI",
      value: String(120 + index),
    },
    startsAt: "2026-11-23T08:00:00Z",
    endsAt: null,
    generatorURL:
      "https://prometheus.example.com/graph?g0.expr=rate%28node_net_ethtool%7Btype%3D%22linklocal_allowance_exceeded%22%7D%5B1m%5D%29+%3E+0",
    fingerprint: `fp${index.toString(16).padStart(14, "0")}`,
    node: makeNode(name, { hostsCoreDNS: index < 2 }),
    ...overrides,
  };
}

export function makePlacement(overrides: Partial<CoreDnsPlacement> = {}): CoreDnsPlacement {
  return {
    desiredReplicas: 2,
    readyReplicas: 2,
    pods: [
      { name: "coredns-5d78c9869d-abcde", node: nodeName(0), ready: true, capacityType: "on-demand" },
      { name: "coredns-5d78c9869d-fghij", node: nodeName(1), ready: true, capacityType: "spot" },
    ],
    nodes: [nodeName(0), nodeName(1)],
    colocatedNodes: [],
    spotNodes: [nodeName(1)],
    nodeLocalDns: { present: false, desired: 0, ready: 0 },
    replicaController: {
      kind: "eks-addon",
      detail: "EKS add-on coredns v1.11.3-eksbuild.2 with replicaCount 2",
    },
    clusterNodeCount: 120,
    schedulableNodeCount: 118,
    ...CLASSIC_COREDNS,
    ...overrides,
  };
}

export function makeGroup(overrides: Partial<EnrichedAlertGroup> = {}, alertCount = 3): EnrichedAlertGroup {
  const alerts = Array.from({ length: alertCount }, (_, index) => makeAlert(index));
  return {
    schemaVersion: 1,
    status: "firing",
    receiver: "sns",
    groupKey: '{}:{alertname="LinkLocalAllowanceExceeded"}',
    groupLabels: { alertname: "LinkLocalAllowanceExceeded" },
    commonLabels: { alertname: "LinkLocalAllowanceExceeded", cluster: "prod-eu", severity: "critical" },
    commonAnnotations: {
      summary: "Link-local packets dropped on the node's ENI",
      runbook_url: "https://runbooks.example.com/linklocal",
    },
    externalURL: "https://alertmanager.example.com",
    alerts,
    alertname: "LinkLocalAllowanceExceeded",
    cluster: "prod-eu",
    source: {
      messageId: "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
      topicArn: "arn:aws:sns:eu-west-1:123456789012:amp-alerts",
      subject: null,
      timestamp: "2026-11-23T08:01:00Z",
      format: "webhook-json",
    },
    truncated: false,
    truncatedAlerts: 0,
    warnings: [],
    raw: null,
    coredns: makePlacement(),
    diagnosis: [
      {
        code: "COREDNS_ON_THROTTLED_NODE",
        reason: "2 of 3 throttled nodes host CoreDNS replicas",
        fix: "Scale CoreDNS out and spread it with pod anti-affinity",
        nodes: [nodeName(0), nodeName(1)],
      },
      {
        code: "NODELOCAL_DNS_ABSENT",
        reason: "NodeLocal DNSCache is not installed",
        fix: "Install NodeLocal DNSCache so pods resolve through a per-node cache",
        nodes: [],
      },
    ],
    routes: ["slack", "pagerduty"],
    ...overrides,
  };
}

export function resolvedGroup(overrides: Partial<EnrichedAlertGroup> = {}): EnrichedAlertGroup {
  const group = makeGroup(overrides);
  return {
    ...group,
    status: "resolved",
    alerts: group.alerts.map((alert) => ({ ...alert, status: "resolved", endsAt: "2026-11-23T09:00:00Z" })),
    ...overrides,
  };
}

export function rawGroup(
  raw: Partial<RawFallback> = {},
  overrides: Partial<EnrichedAlertGroup> = {},
): EnrichedAlertGroup {
  return makeGroup({
    status: "unknown",
    alerts: [],
    alertname: null,
    cluster: null,
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    coredns: null,
    diagnosis: [],
    raw: { reason: "no known message format matched", text: "Alerts Firing:\n???", cut: false, ...raw },
    source: {
      messageId: "1f0c7c0e-2f7a-5b0e-9f4e-0d3b8f6a1c22",
      topicArn: "arn:aws:sns:eu-west-1:123456789012:amp-alerts",
      subject: "[FIRING:1] something",
      timestamp: "2026-11-23T08:01:00Z",
      format: "raw",
    },
    ...overrides,
  });
}

/** Label values seen in attacks and accidents: mentions, disguised links, entities, huge and exotic text. */
export const HOSTILE_VALUES = [
  "<!channel>",
  "<!here> wake up",
  "<@U123ABC>",
  "<#C024BE7LR|general>",
  "<https://evil.example.com|docs.aws.amazon.com>",
  "<mailto:x@example.com|click>",
  "a & b &amp; &lt;c&gt;",
  "```closing the code block``` *bold* _it_ ~s~",
  "@channel @here @everyone",
  "line1\nline2\r\nline3\ttabbed",
  "x".repeat(10_000),
  "🚨🔥".repeat(2_500),
  "👩‍👩‍👧‍👦".repeat(1_000),
  "e\u0301".repeat(3_000),
  "\ud800 lone high and lone low \udc00",
  "你好世界".repeat(2_000),
  "",
] as const;

/** A group where every label, annotation, node and diagnosis field carries `value`. */
export function hostileGroup(value: string, alertCount = 3): EnrichedAlertGroup {
  const base = makeGroup({}, alertCount);
  return {
    ...base,
    alertname: value,
    cluster: value,
    commonLabels: { alertname: value, cluster: value, severity: value },
    commonAnnotations: { summary: value, description: value, runbook_url: value, dashboard_url: value },
    externalURL: value,
    warnings: [value],
    source: { ...base.source, messageId: value, subject: value },
    alerts: base.alerts.map((alert, index) => ({
      ...alert,
      labels: { ...alert.labels, alertname: value, instance: value, severity: value },
      annotations: { summary: value, value, runbook_url: value },
      generatorURL: value,
      node:
        alert.node === null
          ? null
          : { ...alert.node, name: `${value}${index}`, instanceType: value, zone: value, nodegroup: value },
      enrichmentError: value,
    })),
    coredns: makePlacement({
      nodes: [value],
      colocatedNodes: [value],
      spotNodes: [value],
      replicaController: { kind: "unknown", detail: value },
    }),
    diagnosis: [{ code: "COREDNS_COLOCATED", reason: value, fix: value, nodes: [value, value] }],
  };
}
