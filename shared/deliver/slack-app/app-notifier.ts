import { errorMessage } from "../../errors.ts";
import { logger } from "../../logger.ts";
import type { EnrichedAlertGroup } from "../../model/index.ts";
import type { MessageLinks } from "../links.ts";
import type { DeliveryReceipt, Notifier } from "../notifier.ts";
import type { SlackMessage } from "../slack/blocks.ts";
import { plainTextVersion } from "../slack/plain-text.ts";
import { renderSlackMessage } from "../slack/render-group.ts";
import { renderScaleReport } from "../slack/scale-report.ts";
import { renderVerification } from "../slack/verification.ts";
import { MESSAGE_GONE, PAYLOAD_REFUSED, slackErrorCode } from "./api-errors.ts";
import { slackIncidentKey } from "./incident-key.ts";
import { groupTime, planGroup, resolvedAt } from "./incident-plan.ts";
import type { IncidentLease, IncidentRecord, IncidentStore, PostedMessage } from "./incident-record.ts";
import { type FollowedMessage, parentMessage, scaleStatus, verificationStatus } from "./parent-message.ts";
import type { SlackWebApi } from "./web-api.ts";

export interface SlackAppNotifierOptions {
  api: SlackWebApi;
  store: IncidentStore;
  /** The channel id every incident is posted in. */
  channel: string;
  links?: MessageLinks;
  now?: () => Date;
}

/**
 * Slack app mode: one message per incident, posted by the first firing group (chat.postMessage) and updated
 * in place by every later group of it (chat.update); scale reports and verifications reply in its thread and
 * add a status line to it. Every change happens under the incident's lease (IncidentStore), so concurrent
 * invocations for one incident make one message.
 */
export function createSlackAppNotifier(options: SlackAppNotifierOptions): Notifier<SlackMessage> {
  const { api, store, channel } = options;
  const now = options.now ?? (() => new Date());

  /** chat.postMessage; refused blocks go out once more as plain text, as in webhook mode. */
  async function post(tally: Tally, message: SlackMessage, threadTs?: string): Promise<string | null> {
    const body = (m: SlackMessage) => ({
      channel,
      text: m.text,
      ...(m.blocks.length > 0 ? { blocks: m.blocks } : {}),
      ...(threadTs ? { thread_ts: threadTs } : {}),
      unfurl_links: false,
      unfurl_media: false,
    });
    try {
      return await counted(tally, "chat.postMessage", body(message));
    } catch (error) {
      const code = slackErrorCode(error);
      if (code === null || !isOneOf(code, PAYLOAD_REFUSED) || message.blocks.length === 0) throw error;
      return counted(tally, "chat.postMessage", body(plainTextVersion(message, code)));
    }
  }

  async function counted(
    tally: Tally,
    method: "chat.postMessage" | "chat.update",
    body: Record<string, unknown>,
  ) {
    const result = await api.call(method, body);
    tally.requests += result.requests;
    return result.answer === null ? null : (result.answer.ts ?? null);
  }

  /** chat.getPermalink, once: a link is a convenience, its failure never fails the delivery. */
  async function permalink(tally: Tally, ts: string): Promise<string | null> {
    try {
      const result = await api.call("chat.getPermalink", { channel, message_ts: ts }, 1);
      tally.requests += result.requests;
      return result.answer?.permalink ?? null;
    } catch (error) {
      logger.warn("no permalink for the incident's Slack message", { failure: errorMessage(error) });
      return null;
    }
  }

  async function postParent(
    tally: Tally,
    rendered: SlackMessage,
    statuses: string[],
    follows: FollowedMessage | null,
  ) {
    const ts = await post(tally, parentMessage(rendered, statuses, follows));
    const message: PostedMessage = {
      channel,
      ts,
      permalink: ts === null ? null : await permalink(tally, ts),
    };
    return message;
  }

  /** Runs `change` under the incident's lease; the record it returns is saved, a failure releases the lease. */
  async function underLease(key: string, change: (lease: IncidentLease) => Promise<IncidentRecord | null>) {
    const lease = await store.acquire(key);
    let record: IncidentRecord | null;
    try {
      record = await change(lease);
    } catch (error) {
      await store.release(lease).catch(() => undefined);
      throw error;
    }
    if (record === null) {
      await store.release(lease);
      return;
    }
    try {
      await store.save(lease, record);
    } catch (error) {
      // Slack already shows the change: failing now would make Lambda's retry post it a second time.
      logger.error(
        "posted to Slack, but the incident record could not be written; its next group posts anew",
        {
          failure: errorMessage(error),
        },
      );
    }
  }

  async function send(group: EnrichedAlertGroup): Promise<DeliveryReceipt> {
    const tally: Tally = { requests: 0 };
    const rendered = renderSlackMessage(group, options.links);
    if (group.raw !== null || group.status === "unknown") {
      await post(tally, rendered);
      return { sink: "slack", requests: tally.requests };
    }
    const key = slackIncidentKey(group);
    let skipped: string | undefined;
    await underLease(key, async ({ record }) => {
      const at = groupTime(group, now().toISOString());
      const plan = planGroup(record, group, at);
      if (plan.kind === "stale") {
        skipped = `older than the incident's Slack message: ${plan.reason}`;
        return null;
      }
      const statuses = plan.kind === "post" && !plan.keepStatuses ? [] : record.statuses;
      let follows = plan.kind === "post" ? plan.follows : record.follows;
      let message = record.message;
      if (plan.kind === "update" && message?.ts) {
        try {
          await counted(tally, "chat.update", {
            channel: message.channel,
            ts: message.ts,
            ...payload(parentMessage(rendered, statuses, follows)),
          });
        } catch (error) {
          const code = slackErrorCode(error);
          if (code === null || !isOneOf(code, MESSAGE_GONE)) throw error;
          logger.warn("the incident's Slack message cannot be edited any more; posting a new one", { code });
          follows = { permalink: message.permalink, because: "edit-refused" };
          message = await postParent(tally, rendered, statuses, follows);
        }
      } else {
        message = await postParent(tally, rendered, statuses, follows);
      }
      await store.link(group.source.messageId, key, message?.permalink ?? null);
      const resolved = group.status === "resolved";
      return {
        message,
        status: resolved ? "resolved" : "firing",
        lastAt: at,
        resolvedAt: resolved ? resolvedAt(group) : plan.kind === "post" ? null : record.resolvedAt,
        parent: rendered,
        statuses,
        follows,
      };
    });
    const receipt = { sink: "slack" as const, requests: tally.requests };
    return skipped === undefined ? receipt : { ...receipt, skipped };
  }

  /** A follow-up replies in its incident's thread and adds its status line to the parent. */
  async function followUp(messageId: string, reply: SlackMessage, status: string): Promise<DeliveryReceipt> {
    const tally: Tally = { requests: 0 };
    const key = await store.incidentOf(messageId);
    if (key === null) {
      // The alert's own message was never recorded (Slack failed then, or it predates app mode): post on its own.
      await post(tally, reply);
      return { sink: "slack", requests: tally.requests };
    }
    await underLease(key, async ({ record }) => {
      const ts = record.message?.ts ?? null;
      if (record.message === null || ts === null || record.parent === null) {
        await post(tally, reply);
        return null;
      }
      await post(tally, reply, ts);
      const statuses = record.statuses.includes(status) ? record.statuses : [...record.statuses, status];
      try {
        await counted(tally, "chat.update", {
          channel: record.message.channel,
          ts,
          ...payload(parentMessage(record.parent, statuses, record.follows)),
        });
      } catch (error) {
        // The reply is in the thread; the status line shows on the parent's next update.
        logger.warn("follow-up posted in the thread, but the parent's status line was not updated", {
          failure: errorMessage(error),
        });
      }
      return { ...record, statuses };
    });
    return { sink: "slack", requests: tally.requests };
  }

  return {
    sink: "slack",
    render: (group) => [renderSlackMessage(group, options.links)],
    send,
    sendScaleReport: (report) => followUp(report.messageId, renderScaleReport(report), scaleStatus(report)),
    sendVerification: (report) =>
      followUp(report.messageId, renderVerification(report), verificationStatus(report)),
  };
}

/** HTTP requests one delivery made, retries included. */
interface Tally {
  requests: number;
}

function payload(message: SlackMessage): Record<string, unknown> {
  return { text: message.text, blocks: message.blocks };
}

function isOneOf(code: string, codes: readonly string[]): boolean {
  return codes.includes(code);
}
