import { basename } from "node:path";
import type { Env } from "../shared/config/env.ts";
import { readClusterReadConfig } from "../shared/config/ingest-config.ts";
import { errorMessage } from "../shared/errors.ts";
import { ampMessagesFromFile, type GroupEnricher, ingestMessage } from "../shared/ingest/index.ts";
import {
  type AlertGroup,
  type EnrichedAlertGroup,
  ScaleAction,
  type ScaleReport,
  Sink,
} from "../shared/model/index.ts";
import { scaleOutcome } from "../shared/scale/index.ts";
import { readInputFile } from "./input-file.ts";
import { type DeliveryRecord, type ReplayReport, reportGroup } from "./report.ts";

export interface ReplayOptions {
  file: string;
  dryRun: boolean;
  env: Env;
  enrich: GroupEnricher;
  route: (group: AlertGroup) => Sink[];
  deliver: (group: Parameters<typeof reportGroup>[0], dryRun: boolean) => Promise<DeliveryRecord[]>;
  /** The scaler for groups routed to `coredns-scale`; with dryRun it never writes, whatever the mode. */
  scale?: (group: EnrichedAlertGroup, dryRun: boolean) => Promise<ScaleReport>;
}

/**
 * Replays a saved message through the same code as the Lambdas: ingest (parse, enrich, diagnose, route),
 * then each routed sink, locally. Bad input throws an InputError; everything else lands in the report.
 */
export async function replayFile(options: ReplayOptions): Promise<ReplayReport> {
  const text = await readInputFile(options.file);
  const input = ampMessagesFromFile(text, basename(options.file));
  const report: ReplayReport = { groups: [], deliveries: [], scale: null, errors: [] };
  const groups: EnrichedAlertGroup[] = [];
  for (const message of input.messages) {
    // One group per cluster the message named (`--json` lists each in `groups`).
    const outcomes = await ingestMessage(message, {
      clusterLabel: readClusterReadConfig(options.env).clusterLabel,
      enrich: options.enrich,
      route: options.route,
    });
    groups.push(...outcomes.map((outcome) => outcome.group));
  }
  for (const group of groups) {
    const messageId = group.source.messageId;
    report.groups.push(reportGroup(group));
    try {
      report.deliveries.push(...(await options.deliver(group, options.dryRun)));
    } catch (error) {
      report.errors.push(`${messageId}: ${errorMessage(error)}`);
    }
    if (options.scale && group.routes.includes(Sink.corednsScale)) {
      try {
        const decision = await options.scale(group, options.dryRun);
        report.scale = scaleOutcome(decision);
        report.deliveries.push({
          sink: Sink.corednsScale,
          payload: decision,
          sent: decision.action === ScaleAction.scaled,
          note: `${decision.action}: ${decision.reason}`,
        });
      } catch (error) {
        report.errors.push(`${messageId}: CoreDNS scale-up failed: ${errorMessage(error)}`);
      }
    }
  }
  for (const delivery of report.deliveries) {
    if (delivery.error) report.errors.push(`${delivery.sink}: ${delivery.error}`);
  }
  return report;
}
