import type { EnrichedAlertGroup } from "../../model/index.ts";
import { safeHttpUrl } from "../text.ts";
import { DetailBudget, PagerDutyLimits } from "./limits.ts";
import { eventBytes } from "./render.ts";

/**
 * Where the Slack message of an incident is, in Slack app mode (notify-slack keeps its permalink in the
 * idempotency table). Answers null whenever it cannot tell, failures included: a link is a convenience, never
 * a reason to hold back a page.
 */
export interface SlackThreadLinks {
  /** The permalink of the Slack message of the group's incident, or null (not posted yet, or unreadable). */
  ofGroup(group: EnrichedAlertGroup): Promise<string | null>;
  /** The permalink of the Slack message an AMP message went to: how a scale report or verification links it. */
  ofMessage(messageId: string): Promise<string | null>;
}

export const SLACK_THREAD_LINK_TEXT = "Slack thread";
/** Each event asks for its link once, before its first attempt (test/infra/function-timeouts.test.ts). */
export const SLACK_PERMALINK_READS_PER_EVENT = 1;

type Link = { href: string; text: string };

/**
 * The event with the Slack thread first among its links. Pure. Unchanged when there is no usable link, when
 * the event already links it, or when the link would take it over PagerDuty's size limit; the last link
 * makes room when the event already carries as many as DetailBudget.links.
 */
export function withSlackThreadLink<E extends object>(
  event: E,
  permalink: string | null,
): E & { links?: Link[] } {
  const href = safeHttpUrl(permalink);
  if (href === null || href.length > 2_000) return event;
  const links = (event as { links?: Link[] }).links ?? [];
  if (links.some((link) => link.href === href)) return event;
  const linked = {
    ...event,
    links: [{ href, text: SLACK_THREAD_LINK_TEXT }, ...links].slice(0, DetailBudget.links),
  };
  return eventBytes(linked) <= PagerDutyLimits.eventBytes ? linked : event;
}
