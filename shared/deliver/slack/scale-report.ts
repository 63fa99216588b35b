import type { ScaleReport } from "../../model/index.ts";
import { escapeAndCut, escapeValueAndCut, oneLine } from "../text.ts";
import { context, fieldsSection, header, type SlackBlock, type SlackMessage, section } from "./blocks.ts";
import { capBlocks } from "./common-blocks.ts";
import { SlackLimits } from "./limits.ts";

/** Landed replicas listed in the message; the rest are counted. */
const LANDED_SHOWN = 10;

/**
 * What the CoreDNS scaler decided for one alert group, taken or refused, with its reason, before and after
 * replica counts, the owner it wrote through, and where the new replicas landed.
 */
export function renderScaleReport(report: ScaleReport): SlackMessage {
  const cluster = report.cluster ?? "unknown cluster";
  const replicas = `${report.from ?? "?"} → ${report.to ?? "?"}`;
  const title = scaleTitle(report, replicas);
  const blocks: SlackBlock[] = [
    header(escapeAndCut(oneLine(`${title} · ${cluster}`), SlackLimits.headerTextChars)),
    fieldsSection([
      `*Mode*\n${report.mode}`,
      `*Action*\n${report.action}${report.guardrail ? ` (\`${report.guardrail}\`)` : ""}`,
      `*Replicas*\n${replicas}`,
      `*Owner*\n${escapeValueAndCut(report.ownerDetail || report.owner, 500)}`,
    ]),
    section(`*Reason:* ${escapeValueAndCut(report.reason, 2500)}`),
  ];
  if (report.landed.length > 0) {
    const lines = report.landed.slice(0, LANDED_SHOWN).map((replica) => {
      const flags = [
        replica.ready ? "Ready" : "not Ready yet",
        replica.throttled ? ":warning: node is throttled" : null,
        replica.spot ? ":warning: spot" : null,
      ].filter((flag) => flag !== null);
      return `• \`${escapeAndCut(oneLine(replica.node), 120)}\` ${flags.join(", ")}`;
    });
    const more = report.landed.length - LANDED_SHOWN;
    if (more > 0) lines.push(`… and ${more} more`);
    blocks.push(section(`*New replicas landed on*\n${lines.join("\n")}`));
  }
  blocks.push(
    context([
      `linklocal-sentinel · ${escapeAndCut(oneLine(report.decidedAt), 40)} · prompted by message \`${escapeAndCut(oneLine(report.messageId), 100)}\``,
    ]),
  );
  return {
    text: escapeAndCut(oneLine(`${title} on ${cluster}: ${report.reason}`), SlackLimits.fallbackTextChars),
    blocks: capBlocks(blocks),
  };
}

function scaleTitle(report: ScaleReport, replicas: string): string {
  switch (report.action) {
    case "scaled":
      return `:arrow_up: CoreDNS scaled up: ${replicas}`;
    case "would-scale":
      return `:test_tube: CoreDNS would scale up (dry run, nothing written): ${replicas}`;
    case "refused":
      return ":no_entry_sign: CoreDNS scale-up refused";
    default:
      return ":fast_forward: CoreDNS scale-up skipped";
  }
}
