import { DiagnosisCode, type DnsTalker } from "../../model/index.ts";
import { nodeList } from "../context.ts";
import type { DiagnosisRule } from "../rule.ts";

/** Pods named in a finding; the rest are counted. */
const SHOWN = 5;

/**
 * Pods on a throttled node without CoreDNS that send their DNS to the VPC resolver from the node's own ENI:
 * hostNetwork pods with dnsPolicy ClusterFirst or Default, and dnsPolicy Default pods. Named with their
 * owners, the likely talkers first; the system DaemonSets that do this by design are mentioned apart.
 */
export const hostnetworkDnsBypass: DiagnosisRule = {
  code: DiagnosisCode.hostnetworkDnsBypass,
  evaluate({ talkers, throttled }) {
    if (!talkers) return null;
    const firing = new Set(throttled.map((node) => node.name));
    const found = talkers.filter((entry) => firing.has(entry.node) && entry.talkers.length > 0);
    if (found.length === 0) return null;
    const all = found.flatMap((entry) => entry.talkers);
    const quiet = [...new Set(found.flatMap((entry) => entry.quiet).map((t) => t.owner ?? t.name))];
    const shown = all.slice(0, SHOWN).map(describeTalker).join(", ");
    const more = all.length > SHOWN ? ` and ${all.length - SHOWN} more` : "";
    const owner = firstOwner(all);
    const patch = owner
      ? `kubectl -n ${owner.namespace} patch ${owner.kind.toLowerCase()} ${owner.name} --type merge -p '{"spec":{"template":{"spec":{"dnsPolicy":"ClusterFirstWithHostNet"}}}}'`
      : null;
    return {
      code: this.code,
      reason:
        `${nodeList(found.map((entry) => entry.node))} run pods that resolve through the VPC resolver from the node's ENI: ` +
        `${shown}${more}${quiet.length > 0 ? ` (usually quiet, by design: ${quiet.join(", ")})` : ""}`,
      fix: patch
        ? `Give them dnsPolicy ClusterFirstWithHostNet (hostNetwork) or ClusterFirst: ${patch}`
        : "Give them dnsPolicy ClusterFirstWithHostNet (hostNetwork pods) or ClusterFirst, so their lookups go to CoreDNS",
      commands: patch ? [patch] : [],
      nodes: found.map((entry) => entry.node),
    };
  },
};

function describeTalker(talker: DnsTalker): string {
  const how = talker.hostNetwork
    ? `hostNetwork, dnsPolicy ${talker.dnsPolicy}`
    : `dnsPolicy ${talker.dnsPolicy}`;
  return `${talker.namespace}/${talker.name}${talker.owner ? ` (${talker.owner})` : ""} [${how}]`;
}

/** The first talker's controller a patch can fix (a DaemonSet, or the Deployment behind a ReplicaSet). */
function firstOwner(talkers: DnsTalker[]): { namespace: string; kind: string; name: string } | null {
  for (const talker of talkers) {
    const [kind, name] = talker.owner?.split("/") ?? [];
    if (kind === "DaemonSet" || kind === "StatefulSet")
      return { namespace: talker.namespace, kind, name: name ?? "" };
    if (kind === "ReplicaSet" && name)
      return { namespace: talker.namespace, kind: "Deployment", name: name.replace(/-[a-z0-9]+$/, "") };
  }
  return null;
}
