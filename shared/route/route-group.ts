import type { AlertGroup, LabelSet, Sink } from "../model/index.ts";
import { matchesLabels } from "./matcher.ts";
import type { Routes } from "./routes.ts";

export type RoutableGroup = Pick<AlertGroup, "commonLabels" | "cluster" | "alertname" | "status">;

/**
 * The labels rules are matched against: the group's common labels, with `cluster` (the value of CLUSTER_LABEL),
 * `alertname` and `status` (`firing`, `resolved`, or `unknown` for an unparsed message) set from the group.
 * Labels that differ between the alerts of a group are not common labels and cannot be routed on.
 */
export function routingLabels(group: RoutableGroup): LabelSet {
  const labels: LabelSet = { ...group.commonLabels, status: group.status };
  const cluster = group.cluster ?? group.commonLabels.cluster;
  if (cluster !== undefined) labels.cluster = cluster;
  const alertname = group.alertname ?? group.commonLabels.alertname;
  if (alertname !== undefined) labels.alertname = alertname;
  return labels;
}

/** The sinks of the first rule whose matchers all match, else the default sinks. */
export function routeGroup(routes: Routes, group: RoutableGroup): Sink[] {
  const labels = routingLabels(group);
  for (const rule of routes.rules) {
    if (rule.matchers.every((matcher) => matchesLabels(matcher, labels))) return [...rule.sinks];
  }
  return [...routes.defaultSinks];
}
