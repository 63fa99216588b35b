import { scaleCoreDnsFix } from "../../diagnose/fixes.ts";
import {
  HEADROOM_TARGET_SHARE,
  headroomReplicas,
  headroomShares,
  isHeadroomGroup,
} from "../../diagnose/headroom.ts";
import { type Diagnosis, DiagnosisCode, type EnrichedAlertGroup } from "../../model/index.ts";
import { type MessageLinks, NO_LINKS, runbookLink } from "../links.ts";
import { escapeCode, escapeValueAndCut } from "../text.ts";
import { slackLink } from "./pack.ts";

/**
 * What a human reads first at 3 a.m.: the most likely cause (the most severe finding; diagnose() orders
 * them) and the one thing to do now, in one line. The full reasoning and commands follow below it.
 */
export const ACTION_NOW: Record<DiagnosisCode, string> = {
  [DiagnosisCode.corednsOnThrottledNode]:
    "add CoreDNS replicas so its upstream traffic leaves the throttled ENIs",
  [DiagnosisCode.corednsUnderscaled]:
    "scale CoreDNS to the cluster's size (one replica per 16 nodes, at least 2)",
  [DiagnosisCode.corednsColocated]: "spread CoreDNS one replica per node",
  [DiagnosisCode.corednsOnSpot]: "move CoreDNS to on-demand nodes",
  [DiagnosisCode.nodelocalDnsOnThrottledNode]: "check NodeLocal DNSCache's cache hits on these nodes",
  [DiagnosisCode.nonCorednsNodeThrottled]:
    "find the pods on these nodes that resolve through the VPC resolver directly",
  [DiagnosisCode.nodelocalDnsAbsent]: "install NodeLocal DNSCache",
  [DiagnosisCode.corednsReplicasManaged]: "change CoreDNS replicas through their owner, not kubectl scale",
  [DiagnosisCode.hostnetworkDnsBypass]: "give the named hostNetwork pods dnsPolicy: ClusterFirstWithHostNet",
  [DiagnosisCode.enrichmentUnavailable]: "restore the cluster access named below, then read the node list",
  [DiagnosisCode.autoModeNodeThrottled]:
    "cut or spread the lookups of the pods on these nodes (Auto Mode resolves on each node)",
  [DiagnosisCode.corednsNotFound]: "check what serves cluster DNS here: CoreDNS advice does not apply",
};

export function firstLine(diagnoses: readonly Diagnosis[], links: MessageLinks = NO_LINKS): string | null {
  const top = diagnoses[0];
  if (top === undefined) return null;
  const runbook = slackLink(runbookLink(links, top.code), "how");
  return (
    `:dart: *Most likely:* \`${escapeCode(top.code)}\` ${escapeValueAndCut(top.reason, 600)}\n` +
    `*Do now:* ${ACTION_NOW[top.code] ?? escapeValueAndCut(top.fix, 600)}${runbook ? ` (${runbook})` : ""}`
  );
}

/**
 * A finding's fix with every command in a code block (copied whole, never reflowed), the prose around it
 * kept as text: "Spread the load: kubectl ...; and cache per node" becomes prose + ``` kubectl ... ```. The
 * commands are the finding's own list, each an exact part of its fix.
 */
export function fixWithCommandBlocks(
  diagnosis: Pick<Diagnosis, "fix" | "commands">,
  maxChars: number,
): string {
  const { fix } = diagnosis;
  const commands = (diagnosis.commands ?? []).filter((command) => command !== "" && fix.includes(command));
  if (commands.length === 0) return `*Fix:* ${escapeValueAndCut(fix, maxChars)}`;
  let pieces = [fix];
  for (const command of commands) pieces = pieces.flatMap((piece) => piece.split(command));
  const prose = pieces
    .map((piece) =>
      piece.replace(/^[\s:;,)]*(?:then\b)?[\s:;,]*/, "").replace(/[\s:;,(]*(?:\bthen)?[\s:;,(]*$/, ""),
    )
    .filter((piece) => piece !== "")
    .join("; ");
  const budget = Math.max(100, Math.floor((maxChars - prose.length) / commands.length) - 10);
  const block = commands.map((command) => escapeValueAndCut(command, budget).replace(/`/g, "'")).join("\n");
  return `*Fix:*${prose ? ` ${escapeValueAndCut(prose, 500)}` : ""}\n\`\`\`\n${block}\n\`\`\``;
}

/** The headroom warning's first line: how close the busiest node is, and the replicas that give room. */
export function headroomLine(group: EnrichedAlertGroup, links: MessageLinks = NO_LINKS): string | null {
  if (!isHeadroomGroup(group)) return null;
  const shares = headroomShares(group.alerts);
  const worst = shares[0];
  if (worst === undefined) return null;
  const others = shares.length > 1 ? ` (worst of ${shares.length} nodes)` : "";
  const lines = [
    `:hourglass_flowing_sand: *No drops yet:* \`${escapeCode(worst.node)}\` forwards DNS at ${Math.round(worst.share * 100)}% of its link-local allowance${others}`,
  ];
  const replicas = headroomReplicas(group.coredns, worst.share);
  if (replicas !== null && group.coredns !== null) {
    const command = scaleCoreDnsFix(group.coredns, replicas.to, group.cluster ?? "<cluster>").text;
    const runbook = slackLink(runbookLink(links, "coredns_underscaled"), "how");
    lines.push(
      `*Do now:* scale CoreDNS from ${replicas.from} to ${replicas.to} replicas so each CoreDNS node stays under ${Math.round(HEADROOM_TARGET_SHARE * 100)}%${runbook ? ` (${runbook})` : ""}`,
      `\`\`\`\n${escapeValueAndCut(command, 1000).replace(/`/g, "'")}\n\`\`\``,
    );
  } else {
    lines.push("*Do now:* add CoreDNS replicas on other nodes before the node reaches 100% and drops begin");
  }
  return lines.join("\n");
}
