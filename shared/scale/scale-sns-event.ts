import type { KubeApi } from "../cluster/kube-api.ts";
import { InputError } from "../errors.ts";
import { readInternalMessage, snsRecords } from "../internal-topic/read-message.ts";
import type { logger as sharedLogger } from "../logger.ts";
import { countBy, flushMetrics } from "../metrics/metrics.ts";
import { MetricName } from "../metrics/names.ts";
import {
  type AlertGroup,
  type EnrichedAlertGroup,
  Guardrail,
  ScaleMode,
  ScaleOwner,
  type ScaleReport,
} from "../model/index.ts";
import type { CoreDnsAddonControl } from "./apply-plan.ts";
import type { ScaleConfig } from "./config.ts";
import { refused } from "./decide.ts";
import { toReport } from "./report.ts";
import { type ScaleDeps, scaleForGroup } from "./scale-group.ts";

export type ScaleConnector = (group: AlertGroup) =>
  | {
      name: string;
      kube: KubeApi;
      addon?: CoreDnsAddonControl;
      /** The cluster's own COREDNS_SCALE_MODE (CLUSTERS `scaleMode`), when it has one. */
      scaleMode?: ScaleMode | null;
    }
  | string;

export type ScaleLogger = Pick<typeof sharedLogger, "info" | "warn" | "error" | "setCorrelationId">;

export interface ScaleEventDeps {
  config: ScaleConfig;
  /** The cluster a group is about, with the add-on control when reached through EKS; a string says why not. */
  connect: ScaleConnector;
  publish: (report: ScaleReport) => Promise<unknown>;
  logger: ScaleLogger;
}

let saidOff = false;

/**
 * Every record of an SNS event from the internal topic through the scaler. With the mode off it does
 * nothing and says so once per container; otherwise each group gets a decision, published as a report.
 */
export async function scaleSnsEvent(event: unknown, deps: ScaleEventDeps): Promise<ScaleReport[]> {
  const { logger } = deps;
  const reports: ScaleReport[] = [];
  for (const [index, record] of snsRecords(event).entries()) {
    logger.setCorrelationId(record.Sns.MessageId);
    const message = readInternalMessage(record, index);
    if (message.kind !== "group")
      throw new InputError(`SNS record at index ${index} is a scale report, not an alert group`);
    const group = message.group;
    logger.setCorrelationId(group.source.messageId);
    // Off for the function means off for every cluster (the stack deploys no writer then); otherwise a
    // cluster's own scaleMode (CLUSTERS) overrides COREDNS_SCALE_MODE, in scaleThrough.
    if (deps.config.mode === ScaleMode.off) {
      if (!saidOff) logger.info("COREDNS_SCALE_MODE is off: the scaler decides and writes nothing");
      saidOff = true;
      continue;
    }
    const report = await scaleThrough(deps.connect(group), group, { config: deps.config });
    countBy(MetricName.scaleDecisions, { action: report.action });
    await deps.publish(report);
    logger.info("scale decision", {
      action: report.action,
      guardrail: report.guardrail,
      from: report.from,
      to: report.to,
      owner: report.owner,
      reason: report.reason,
    });
    reports.push(report);
  }
  flushMetrics();
  return reports;
}

/** The scaler on a connection, or a refusal naming why the cluster cannot be reached. */
export function scaleThrough(
  connection: ReturnType<ScaleConnector>,
  group: EnrichedAlertGroup,
  deps: Omit<ScaleDeps, "kube" | "addon">,
): Promise<ScaleReport> {
  if (typeof connection === "string") return Promise.resolve(notReached(group, deps.config.mode, connection));
  const mode = connection.scaleMode ?? deps.config.mode;
  return scaleForGroup(group, {
    ...deps,
    config: { ...deps.config, mode },
    kube: connection.kube,
    addon: connection.addon,
  });
}

function notReached(group: EnrichedAlertGroup, mode: ScaleMode, why: string): ScaleReport {
  return toReport(group, mode, refused(Guardrail.clusterUnreadable, why, null), {
    owner: ScaleOwner.unknown,
    ownerDetail: "not read",
    decidedAt: new Date().toISOString(),
  });
}
