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
  const context: AppContext = {
    writer: new ChannelWriter(options.api, options.channel),
    store: options.store,
    links: options.links,
    now: options.now ?? (() => new Date()),
  };
  return {
    sink: "slack",
    render: (group) => [renderSlackMessage(group, options.links)],
    send: (group) => sendGroup(context, group),
    sendScaleReport: (report) =>
      followUp(context, report.messageId, renderScaleReport(report), scaleStatus(report)),
    sendVerification: (report) =>
      followUp(context, report.messageId, renderVerification(report), verificationStatus(report)),
  };
}

interface AppContext {
  writer: ChannelWriter;
  store: IncidentStore;
  links: MessageLinks | undefined;
  now: () => Date;
}

/** The Web API calls on the incident channel, each counting its HTTP requests into the delivery's tally. */
class ChannelWriter {
  constructor(
    private readonly api: SlackWebApi,
    readonly channel: string,
  ) {}

  /** chat.postMessage; refused blocks go out once more as plain text, as in webhook mode. */
  async post(tally: Tally, message: SlackMessage, threadTs?: string): Promise<string | null> {
    const body = (m: SlackMessage) => ({
      channel: this.channel,
      text: m.text,
      ...(m.blocks.length > 0 ? { blocks: m.blocks } : {}),
      ...(threadTs ? { thread_ts: threadTs } : {}),
      unfurl_links: false,
      unfurl_media: false,
    });
    try {
      return await this.counted(tally, "chat.postMessage", body(message));
    } catch (error) {
      const code = slackErrorCode(error);
      if (code === null || !isOneOf(code, PAYLOAD_REFUSED) || message.blocks.length === 0) throw error;
      return this.counted(tally, "chat.postMessage", body(plainTextVersion(message, code)));
    }
  }

  /** chat.update of a message already posted. */
  async update(tally: Tally, posted: { channel: string; ts: string }, message: SlackMessage): Promise<void> {
    await this.counted(tally, "chat.update", { channel: posted.channel, ts: posted.ts, ...payload(message) });
  }

  /** Posts an incident's parent message and reads its permalink. */
  async postParent(
    tally: Tally,
    rendered: SlackMessage,
    statuses: string[],
    follows: FollowedMessage | null,
  ): Promise<PostedMessage> {
    const ts = await this.post(tally, parentMessage(rendered, statuses, follows));
    return { channel: this.channel, ts, permalink: ts === null ? null : await this.permalink(tally, ts) };
  }

  /** chat.getPermalink, once: a link is a convenience, its failure never fails the delivery. */
  private async permalink(tally: Tally, ts: string): Promise<string | null> {
    try {
      const result = await this.api.call("chat.getPermalink", { channel: this.channel, message_ts: ts }, 1);
      tally.requests += result.requests;
      return result.answer?.permalink ?? null;
    } catch (error) {
      logger.warn("no permalink for the incident's Slack message", { failure: errorMessage(error) });
      return null;
    }
  }

  private async counted(
    tally: Tally,
    method: "chat.postMessage" | "chat.update",
    body: Record<string, unknown>,
  ): Promise<string | null> {
    const result = await this.api.call(method, body);
    tally.requests += result.requests;
    return result.answer === null ? null : (result.answer.ts ?? null);
  }
}

/** Runs `change` under the incident's lease; the record it returns is saved, a failure releases the lease. */
async function underLease(
  store: IncidentStore,
  key: string,
  change: (lease: IncidentLease) => Promise<IncidentRecord | null>,
): Promise<void> {
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
    logger.error("posted to Slack, but the incident record could not be written; its next group posts anew", {
      failure: errorMessage(error),
    });
  }
}

/** An alert group: posts the incident's message, or updates it in place (a new post when Slack refuses the edit). */
async function sendGroup(context: AppContext, group: EnrichedAlertGroup): Promise<DeliveryReceipt> {
  const { writer, store } = context;
  const tally: Tally = { requests: 0 };
  const rendered = renderSlackMessage(group, context.links);
  if (group.raw !== null || group.status === "unknown") {
    await writer.post(tally, rendered);
    return { sink: "slack", requests: tally.requests };
  }
  const key = slackIncidentKey(group);
  let skipped: string | undefined;
  await underLease(store, key, async ({ record }) => {
    const at = groupTime(group, context.now().toISOString());
    const plan = planGroup(record, group, at);
    if (plan.kind === "stale") {
      skipped = `older than the incident's Slack message: ${plan.reason}`;
      return null;
    }
    const statuses = plan.kind === "post" && !plan.keepStatuses ? [] : record.statuses;
    const shown =
      plan.kind === "update" && record.message?.ts
        ? await updateOrRepost(
            writer,
            tally,
            { ...record.message, ts: record.message.ts },
            rendered,
            statuses,
            record.follows,
          )
        : {
            message: await writer.postParent(
              tally,
              rendered,
              statuses,
              plan.kind === "post" ? plan.follows : record.follows,
            ),
            follows: plan.kind === "post" ? plan.follows : record.follows,
          };
    await store.link(group.source.messageId, key, shown.message.permalink ?? null);
    const resolved = group.status === "resolved";
    return {
      message: shown.message,
      status: resolved ? "resolved" : "firing",
      lastAt: at,
      resolvedAt: resolved ? resolvedAt(group) : plan.kind === "post" ? null : record.resolvedAt,
      parent: rendered,
      statuses,
      follows: shown.follows,
    };
  });
  const receipt = { sink: "slack" as const, requests: tally.requests };
  return skipped === undefined ? receipt : { ...receipt, skipped };
}

/** chat.update of the incident's message; one Slack will no longer edit is posted anew, linking the old one. */
async function updateOrRepost(
  writer: ChannelWriter,
  tally: Tally,
  posted: PostedMessage & { ts: string },
  rendered: SlackMessage,
  statuses: string[],
  follows: FollowedMessage | null,
): Promise<{ message: PostedMessage; follows: FollowedMessage | null }> {
  try {
    await writer.update(tally, posted, parentMessage(rendered, statuses, follows));
    return { message: posted, follows };
  } catch (error) {
    const code = slackErrorCode(error);
    if (code === null || !isOneOf(code, MESSAGE_GONE)) throw error;
    logger.warn("the incident's Slack message cannot be edited any more; posting a new one", { code });
    const relinked: FollowedMessage = { permalink: posted.permalink, because: "edit-refused" };
    return { message: await writer.postParent(tally, rendered, statuses, relinked), follows: relinked };
  }
}

/** A follow-up replies in its incident's thread and adds its status line to the parent. */
async function followUp(
  context: AppContext,
  messageId: string,
  reply: SlackMessage,
  status: string,
): Promise<DeliveryReceipt> {
  const { writer, store } = context;
  const tally: Tally = { requests: 0 };
  const key = await store.incidentOf(messageId);
  if (key === null) {
    // The alert's own message was never recorded (Slack failed then, or it predates app mode): post on its own.
    await writer.post(tally, reply);
    return { sink: "slack", requests: tally.requests };
  }
  await underLease(store, key, async ({ record }) => {
    const ts = record.message?.ts ?? null;
    if (record.message === null || ts === null || record.parent === null) {
      await writer.post(tally, reply);
      return null;
    }
    await writer.post(tally, reply, ts);
    const statuses = record.statuses.includes(status) ? record.statuses : [...record.statuses, status];
    try {
      await writer.update(
        tally,
        { channel: record.message.channel, ts },
        parentMessage(record.parent, statuses, record.follows),
      );
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
