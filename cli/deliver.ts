import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Env } from "../shared/config/env.ts";
import { pagerDutyEventsUrlFromEnv } from "../shared/deliver/config.ts";
import {
  blockKitBuilderUrl,
  createPagerDutyNotifier,
  createSlackNotifier,
  renderPagerDutyEvent,
  renderSlackHtmlPreview,
  renderSlackMessage,
} from "../shared/deliver/index.ts";
import { type MessageLinks, messageLinksFromEnv } from "../shared/deliver/links.ts";
import { errorMessage } from "../shared/errors.ts";
import type { EnrichedAlertGroup, Sink } from "../shared/model/index.ts";
import {
  PAGERDUTY_ROUTING_KEY_SECRET,
  SLACK_WEBHOOK_URL_SECRET,
  secretReaderFromEnv,
} from "../shared/secrets/index.ts";
import type { DeliveryRecord } from "./report.ts";

export interface CliDeliveryOptions {
  env: Env;
  /** Where --dry-run writes the HTML preview of each Slack message. */
  previewDir: string;
}

/**
 * The CLI's stand-in for the internal topic: for each routed sink, render the payload and, unless dry-run,
 * send it with the same notifier the Lambda uses.
 */
export function cliDelivery(options: CliDeliveryOptions) {
  return async (group: EnrichedAlertGroup, dryRun: boolean): Promise<DeliveryRecord[]> => {
    const records: DeliveryRecord[] = [];
    const links = messageLinksFromEnv(options.env);
    // coredns-scale is not a notifier: replay runs the scaler itself (see replayFile's `scale`).
    for (const sink of group.routes.filter((s) => s !== "coredns-scale"))
      records.push(await deliverTo(sink, group, dryRun, options, links));
    return records;
  };
}

async function deliverTo(
  sink: Sink,
  group: EnrichedAlertGroup,
  dryRun: boolean,
  options: CliDeliveryOptions,
  links: MessageLinks,
): Promise<DeliveryRecord> {
  if (sink === "slack") {
    const payload = renderSlackMessage(group, links);
    if (dryRun) {
      const previewFile = join(options.previewDir, `slack-${safeName(group.source.messageId)}.html`);
      await mkdir(options.previewDir, { recursive: true });
      await writeFile(previewFile, renderSlackHtmlPreview(payload));
      return {
        sink,
        payload,
        sent: false,
        preview: { blockKitBuilder: blockKitBuilderUrl(payload), html: previewFile },
      };
    }
    return send(sink, payload, async () => {
      const webhookUrl = await secretReaderFromEnv(options.env, SLACK_WEBHOOK_URL_SECRET).get();
      await createSlackNotifier({ webhookUrl, links }).send(group);
    });
  }
  if (sink !== "pagerduty") return { sink, payload: null, sent: false, note: `no notifier for ${sink}` };
  const payload = renderPagerDutyEvent(group, links);
  if (dryRun) return { sink, payload, sent: false };
  return send(sink, payload, async () => {
    const routingKey = await secretReaderFromEnv(options.env, PAGERDUTY_ROUTING_KEY_SECRET).get();
    const eventsUrl = pagerDutyEventsUrlFromEnv(options.env);
    await createPagerDutyNotifier({ routingKey, eventsUrl, links }).send(group);
  });
}

async function send(sink: Sink, payload: unknown, run: () => Promise<void>): Promise<DeliveryRecord> {
  try {
    await run();
    return { sink, payload, sent: true };
  } catch (error) {
    // Notifier and secret errors are already redacted; they name the variable, never its value.
    return { sink, payload, sent: false, error: errorMessage(error) };
  }
}

function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 80);
}
