import { DeliveryError } from "../errors.ts";

/**
 * What Slack's Web API errors mean for a delivery. The Web API answers HTTP 200 with `{"ok": false, "error":
 * code}`; each code is final or worth retrying, and the final ones that a person must fix say how.
 * https://docs.slack.dev/reference/methods/chat.postMessage#errors and chat.update#errors
 */
interface SlackErrorRule {
  retryable: boolean;
  /** What to do about it, for the error message and the log. */
  fix: string;
}

const REINSTALL = "store the app's Bot User OAuth Token (xoxb-) in the secret SLACK_BOT_TOKEN_SECRET names";

export const SLACK_API_ERRORS: Record<string, SlackErrorRule> = {
  ratelimited: { retryable: true, fix: "Slack rate limit (about 1 message per second per channel)" },
  internal_error: { retryable: true, fix: "Slack's own failure" },
  fatal_error: { retryable: true, fix: "Slack's own failure" },
  service_unavailable: { retryable: true, fix: "Slack is unavailable" },
  request_timeout: { retryable: true, fix: "Slack timed out reading the request" },
  invalid_auth: { retryable: false, fix: `the bot token is not valid: ${REINSTALL}` },
  not_authed: { retryable: false, fix: `no bot token reached Slack: ${REINSTALL}` },
  token_revoked: { retryable: false, fix: `the bot token was revoked: reinstall the app and ${REINSTALL}` },
  token_expired: { retryable: false, fix: `the bot token expired: ${REINSTALL}` },
  account_inactive: {
    retryable: false,
    fix: `the app's bot user is deactivated: reinstall the app and ${REINSTALL}`,
  },
  not_in_channel: {
    retryable: false,
    fix: "the app is not in the channel: invite it there (/invite @linklocal-sentinel in the channel)",
  },
  channel_not_found: {
    retryable: false,
    fix: "SLACK_CHANNEL is not a channel the app can see: use the channel's id (C0123ABCD) and, for a private channel, invite the app",
  },
  missing_scope: {
    retryable: false,
    fix: "the app lacks a scope: add chat:write under OAuth & Permissions (docs/slack-app-mode.md has the manifest) and reinstall it",
  },
  is_archived: {
    retryable: false,
    fix: "the channel is archived: unarchive it or set SLACK_CHANNEL to another",
  },
  restricted_action: { retryable: false, fix: "the workspace does not let the app post in this channel" },
  message_not_found: { retryable: false, fix: "the message was deleted; a new one is posted" },
  cant_update_message: {
    retryable: false,
    fix: "Slack no longer lets the app edit that message; a new one is posted",
  },
  edit_window_closed: {
    retryable: false,
    fix: "the message is past the workspace's edit window; a new one is posted",
  },
  invalid_blocks: { retryable: false, fix: "Slack refused the message's blocks; it is sent as plain text" },
  invalid_blocks_format: {
    retryable: false,
    fix: "Slack refused the message's blocks; it is sent as plain text",
  },
  msg_too_long: { retryable: false, fix: "the message is too long; it is sent as plain text" },
};

/** An update that cannot be made to this message any more: the notifier posts a new one that links the old. */
export const MESSAGE_GONE = ["message_not_found", "cant_update_message", "edit_window_closed"] as const;
/** The message itself was refused: it goes out once more as plain text, as in webhook mode. */
export const PAYLOAD_REFUSED = ["invalid_blocks", "invalid_blocks_format", "msg_too_long"] as const;

/** A Web API answer of `ok: false`; `code` is Slack's error string (`not_in_channel`). */
export class SlackApiError extends DeliveryError {
  readonly code: string;

  constructor(
    method: string,
    code: string,
    details: { retryAfterMs?: number | null; needed?: string; status?: number },
  ) {
    const rule = SLACK_API_ERRORS[code];
    const needed = details.needed ? ` (needs ${details.needed})` : "";
    super(
      `Slack ${method} answered ${code}${needed}: ${rule?.fix ?? "an error this product does not know; see Slack's documentation of the method"}`,
      {
        sink: "slack",
        retryable: rule?.retryable ?? false,
        status: details.status ?? 200,
        retryAfterMs: details.retryAfterMs ?? null,
      },
    );
    this.name = "SlackApiError";
    this.code = code;
  }
}

/** Slack's error code anywhere along the cause chain (the retry loop wraps the last error), or null. */
export function slackErrorCode(error: unknown): string | null {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current instanceof SlackApiError) return current.code;
    current = current.cause;
  }
  return null;
}
