import type { SlackMessage } from "../slack/blocks.ts";
import type { FollowedMessage } from "./parent-message.ts";

/** What the table keeps of one incident's Slack message (shared/deliver/slack-app/dynamo-incident-store.ts). */
export interface IncidentRecord {
  /** Absent until the first post succeeded. */
  message: PostedMessage | null;
  /** The status of the last group applied, and when it was published (its order among the incident's groups). */
  status: "firing" | "resolved" | null;
  lastAt: string | null;
  /** The latest `endsAt` of the resolve, when resolved: a firing alert that started later is a new incident. */
  resolvedAt: string | null;
  /** The message as rendered for the last group, before the status lines are put in. */
  parent: SlackMessage | null;
  /** One line per follow-up ("scaled 2 to 4"), shown under the parent's title. */
  statuses: string[];
  /** The message this one replaced, linked from it. */
  follows: FollowedMessage | null;
}

export interface PostedMessage {
  channel: string;
  /** Null when Slack accepted the post but its answer (and so the ts) never arrived. */
  ts: string | null;
  permalink: string | null;
}

export const EMPTY_INCIDENT: IncidentRecord = {
  message: null,
  status: null,
  lastAt: null,
  resolvedAt: null,
  parent: null,
  statuses: [],
  follows: null,
};

/** One incident held by this invocation: its record as read, and the write that releases it. */
export interface IncidentLease {
  key: string;
  record: IncidentRecord;
}

/**
 * The incident records in the idempotency table. Every change to an incident's Slack message happens under
 * its lease: a conditional write decides which invocation holds it, so a firing group and its resolve arriving
 * together make one message, updated in order, never two.
 */
export interface IncidentStore {
  /** Waits a little for a lease another invocation holds, then throws IncidentBusyError (Lambda retries). */
  acquire(key: string): Promise<IncidentLease>;
  /** Writes the record and releases the lease. Retried on its own: the Slack call it records is done. */
  save(lease: IncidentLease, record: IncidentRecord): Promise<void>;
  /** Releases the lease without changing the record (the Slack call failed). */
  release(lease: IncidentLease): Promise<void>;
  /**
   * Remembers which incident an AMP message went to, so its scale report and verification find the thread,
   * and the message's permalink, so PagerDuty's change events for them can link it.
   */
  link(messageId: string, key: string, permalink: string | null): Promise<void>;
  /** The incident an AMP message went to, or null. */
  incidentOf(messageId: string): Promise<string | null>;
}
