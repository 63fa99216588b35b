import type { ReplicaController } from "../../model/index.ts";
import { escapeAndCut, escapeValueAndCut, oneLine } from "../text.ts";
import { context, fieldsSection, header, type SlackBlock, type SlackMessage, section } from "./blocks.ts";
import { capBlocks } from "./common-blocks.ts";
import { SlackLimits } from "./limits.ts";

/**
 * What the CoreDNS scaler decided for one alert group, published back for notify-slack to report.
 * Every decision is reported, taken or refused, with its reason.
 */
export const ScaleMode = { off: "off", dryRun: "dry-run", on: "on" } as const;
export type ScaleMode = (typeof ScaleMode)[keyof typeof ScaleMode];

export const ScaleDecision = { taken: "taken", refused: "refused" } as const;
export type ScaleDecision = (typeof ScaleDecision)[keyof typeof ScaleDecision];

export interface ScaleReport {
  cluster: string | null;
  mode: ScaleMode;
  decision: ScaleDecision;
  /** Replicas before; null when they could not be read. */
  fromReplicas: number | null;
  /** Replicas after (or that would be set in dry-run); null when refused before a target was computed. */
  toReplicas: number | null;
  /** Who owns the replica count, and so how it was (or would be) changed. */
  controller: ReplicaController;
  /** One line: why this decision. */
  reason: string;
  /** SNS MessageId of the alert group that prompted it, for correlation. */
  messageId: string | null;
}

export function renderScaleReport(report: ScaleReport): SlackMessage {
  const cluster = report.cluster ?? "unknown cluster";
  const replicas = `${report.fromReplicas ?? "?"} → ${report.toReplicas ?? "?"}`;
  const title = scaleTitle(report, replicas);
  const blocks: SlackBlock[] = [
    header(escapeAndCut(oneLine(`${title} · ${cluster}`), SlackLimits.headerTextChars)),
    fieldsSection([
      `*Mode*\n${report.mode}`,
      `*Decision*\n${report.decision}`,
      `*Replicas*\n${replicas}`,
      `*Controlled by*\n${escapeValueAndCut(report.controller.detail || report.controller.kind, 500)}`,
    ]),
    section(`*Reason:* ${escapeValueAndCut(report.reason, 2500)}`),
  ];
  if (report.messageId !== null) {
    blocks.push(
      context([
        `linklocal-sentinel · prompted by message \`${escapeAndCut(oneLine(report.messageId), 100)}\``,
      ]),
    );
  }
  return {
    text: escapeAndCut(oneLine(`${title} on ${cluster}: ${report.reason}`), SlackLimits.fallbackTextChars),
    blocks: capBlocks(blocks),
  };
}

function scaleTitle(report: ScaleReport, replicas: string): string {
  if (report.decision === "refused") return ":no_entry_sign: CoreDNS scale-up refused";
  if (report.mode === "dry-run") return `:test_tube: CoreDNS scale-up (dry run, not applied): ${replicas}`;
  return `:arrow_up: CoreDNS scaled up: ${replicas}`;
}
