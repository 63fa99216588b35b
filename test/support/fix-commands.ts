import type { Diagnosis } from "../../shared/model/index.ts";
import type { SimCluster } from "../../sim/sim-cluster.ts";

/**
 * Reads the shell commands a finding offers the way a shell would (single quotes keep JSON whole) and names
 * every cluster object they touch, so a test can check each one exists in the simulated cluster: a fix that
 * targets something absent is worse than none at 3 a.m.
 */

export interface CommandTarget {
  kind: "deployment" | "daemonset" | "configmap" | "service" | "node" | "eks-addon" | "eks-cluster";
  namespace: string | null;
  name: string;
}

export function shellWords(command: string): string[] {
  const words: string[] = [];
  let current = "";
  let quoted = false;
  let any = false;
  for (const char of command) {
    if (char === "'") {
      quoted = !quoted;
      any = true;
    } else if (char === " " && !quoted) {
      if (any) words.push(current);
      current = "";
      any = false;
    } else {
      current += char;
      any = true;
    }
  }
  if (quoted) throw new Error(`unbalanced quote in: ${command}`);
  if (any) words.push(current);
  return words;
}

const KINDS: Record<string, CommandTarget["kind"]> = {
  deployment: "deployment",
  deployments: "deployment",
  deploy: "deployment",
  daemonset: "daemonset",
  ds: "daemonset",
  configmap: "configmap",
  cm: "configmap",
  service: "service",
  svc: "service",
};

/** The objects one kubectl or aws command names (`kind/name`, `kind name`, a node field selector, an add-on). */
export function commandTargets(command: string): CommandTarget[] {
  const words = shellWords(command);
  const targets: CommandTarget[] = [];
  if (words[0] === "kubectl") {
    const at = words.indexOf("-n");
    const namespace = at >= 0 ? (words[at + 1] ?? null) : null;
    for (let i = 1; i < words.length; i++) {
      const word = words[i] ?? "";
      if (word.startsWith("-")) {
        if (word === "-n" || word === "-p" || word === "-o" || word === "--type" || word === "-f") i++;
        if (word === "--field-selector") {
          const selector = words[++i] ?? "";
          const node = selector.match(/^spec\.nodeName=(.+)$/)?.[1];
          if (node) targets.push({ kind: "node", namespace: null, name: node });
        }
        continue;
      }
      const [kindWord, slashName] = word.split("/");
      const kind = KINDS[kindWord ?? ""];
      if (!kind) continue;
      if (slashName !== undefined) targets.push({ kind, namespace, name: slashName });
      else if (kindWord?.includes(",") === false) {
        const next = words[i + 1];
        if (next && !next.startsWith("-")) {
          targets.push({ kind, namespace, name: next });
          i++;
        }
      }
    }
  }
  if (words[0] === "aws" && words[1] === "eks") {
    const value = (flag: string) => words[words.indexOf(flag) + 1];
    const cluster = words.includes("--cluster-name") ? value("--cluster-name") : undefined;
    if (cluster) targets.push({ kind: "eks-cluster", namespace: null, name: cluster });
    const addon = words.includes("--addon-name") ? value("--addon-name") : undefined;
    if (addon) targets.push({ kind: "eks-addon", namespace: null, name: addon });
  }
  return targets;
}

/** Targets the cluster lacks, as `kind namespace/name` lines (empty when every command is sound). */
export function missingTargets(cluster: SimCluster, findings: readonly Diagnosis[]): string[] {
  const missing: string[] = [];
  for (const finding of findings) {
    for (const command of finding.commands ?? []) {
      if (!finding.fix.includes(command))
        missing.push(`${finding.code}: "${command}" is not part of its fix`);
      for (const target of commandTargets(command)) {
        if (!exists(cluster, target))
          missing.push(
            `${finding.code}: ${target.kind} ${target.namespace ?? ""}/${target.name} in "${command}"`,
          );
      }
    }
  }
  return missing;
}

function exists(cluster: SimCluster, target: CommandTarget): boolean {
  const named = (list: { metadata: { name: string; namespace?: string } }[]) =>
    list.some(
      (o) =>
        o.metadata.name === target.name &&
        (target.namespace === null || o.metadata.namespace === target.namespace),
    );
  switch (target.kind) {
    case "deployment":
      return named(cluster.deployments);
    case "daemonset":
      return named(cluster.daemonSets);
    case "configmap":
      return named(cluster.configMaps);
    case "service":
      return named(cluster.services);
    case "node":
      return named(cluster.nodes);
    case "eks-cluster":
      return target.name === cluster.name;
    case "eks-addon":
      return cluster.corednsAddon !== null && target.name === cluster.corednsAddon.addonName;
  }
}

/** The label selectors inside a spread-constraint patch, each of which must select the Deployment's pods. */
export function spreadSelectors(command: string): Record<string, string>[] {
  const found: Record<string, string>[] = [];
  for (const word of shellWords(command)) {
    if (!word.startsWith("{")) continue;
    JSON.parse(word, (key, value) => {
      if (key === "labelSelector" && value?.matchLabels) found.push(value.matchLabels);
      return value;
    });
  }
  return found;
}
