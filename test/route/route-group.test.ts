import { describe, expect, it } from "vitest";
import type { GroupStatus, Sink } from "../../shared/model/index.ts";
import { parseRoutes, routeGroup, routingLabels } from "../../shared/route/index.ts";
import { routableGroup } from "../support/routing-groups.ts";

const routes = parseRoutes(
  [
    'alertname="Watchdog" => slack',
    'severity="critical", cluster=~"prod-.*" => pagerduty,slack',
    'status="resolved", cluster=~"(?i)PROD-.*" => pagerduty,slack',
    'team!~"payments|search", env!="" => coredns-scale,slack',
    "default => slack",
  ].join("\n"),
);

interface Case {
  labels: Record<string, string>;
  status: GroupStatus;
  sinks: Sink[];
}

const cases: Case[] = [
  {
    labels: { alertname: "Watchdog", severity: "critical", cluster: "prod-1" },
    status: "firing",
    sinks: ["slack"],
  },
  {
    labels: { severity: "critical", cluster: "prod-eu-1" },
    status: "firing",
    sinks: ["pagerduty", "slack"],
  },
  // Anchored: "preprod-1" does not match "prod-.*".
  { labels: { severity: "critical", cluster: "preprod-1" }, status: "firing", sinks: ["slack"] },
  {
    labels: { severity: "warning", cluster: "prod-eu-1" },
    status: "resolved",
    sinks: ["pagerduty", "slack"],
  },
  { labels: { severity: "warning", cluster: "prod-eu-1" }, status: "firing", sinks: ["slack"] },
  { labels: { team: "core", env: "staging" }, status: "firing", sinks: ["coredns-scale", "slack"] },
  { labels: { team: "payments", env: "staging" }, status: "firing", sinks: ["slack"] },
  // A missing label is the empty string: env!="" fails.
  { labels: { team: "core" }, status: "firing", sinks: ["slack"] },
  { labels: {}, status: "unknown", sinks: ["slack"] },
];

describe("routeGroup", () => {
  it.each(cases)("$labels ($status) -> $sinks", ({ labels, status, sinks }) => {
    expect(routeGroup(routes, routableGroup(labels, { status }))).toEqual(sinks);
  });

  it("matches cluster and alertname as the parser derived them, not only common labels", () => {
    // CLUSTER_LABEL=k8s_cluster: the group's cluster comes from another label.
    const group = routableGroup({ k8s_cluster: "prod-x", severity: "critical" }, { cluster: "prod-x" });
    expect(routingLabels(group)).toMatchObject({ cluster: "prod-x", status: "firing" });
    expect(routeGroup(routes, group)).toEqual(["pagerduty", "slack"]);
    const named = routableGroup({}, { alertname: "Watchdog" });
    expect(routeGroup(routes, named)).toEqual(["slack"]);
  });

  it("returns a fresh array the caller may change", () => {
    const first = routeGroup(routes, routableGroup({}));
    first.push("pagerduty");
    expect(routeGroup(routes, routableGroup({}))).toEqual(["slack"]);
  });
});
