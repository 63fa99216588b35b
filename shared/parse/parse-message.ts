import type { AlertGroup } from "../model/index.ts";
import { type AmpMessage, isTruncatedByAmp, replacedBodyReason } from "./amp-message.ts";
import { AwsTemplateError, looksLikeAwsTemplate, readAwsTemplate } from "./aws-template.ts";
import { buildGroup, type DraftGroup } from "./build-group.ts";
import { looksLikeDefaultText, readDefaultText } from "./default-text.ts";
import { readJsonMessage } from "./json-message.ts";
import { looksLikeKeyValue, readKeyValue } from "./key-value.ts";
import { firingCountFromSubject, statusFromSubject } from "./subject.ts";

export const ParseErrorCode = {
  replacedBody: "replaced-body",
  invalidJson: "invalid-json",
  notAlertGroup: "not-an-alert-group",
  unrecognised: "unrecognised-format",
  noAlerts: "no-alerts",
} as const;
export type ParseErrorCode = (typeof ParseErrorCode)[keyof typeof ParseErrorCode];

export interface ParseError {
  code: ParseErrorCode;
  /** One line a human can act on. */
  reason: string;
}

export type ParseResult = { ok: true; group: AlertGroup } | { ok: false; error: ParseError };

export interface ParseOptions {
  clusterLabel: string;
}

/**
 * Reads any message AMP's Alertmanager produces into an alert group. Never throws: what cannot be read comes
 * back as a structured error, and the caller turns it into a raw fallback notification.
 */
export function parseAmpMessage(message: AmpMessage, options: ParseOptions): ParseResult {
  try {
    return parseOrFail(message, options);
  } catch (error) {
    // A reader bug must not lose the alert: report it like any unreadable body.
    const why = error instanceof Error ? error.message : String(error);
    return { ok: false, error: { code: ParseErrorCode.unrecognised, reason: `parser failed: ${why}` } };
  }
}

function parseOrFail(message: AmpMessage, options: ParseOptions): ParseResult {
  const replaced = replacedBodyReason(message);
  if (replaced) return fail(ParseErrorCode.replacedBody, replaced);

  const truncatedByAmp = isTruncatedByAmp(message);
  const body = message.body.replace(/^\uFEFF/, "");
  const trimmed = body.trimStart();
  let draft: DraftGroup;
  // The AWS-documented template is read by its own grammar: its values are raw, not JSON strings.
  const awsTemplate = looksLikeAwsTemplate(trimmed) ? readAwsTemplateOrReason(trimmed) : null;
  if (awsTemplate?.draft) {
    draft = awsTemplate.draft;
  } else if (trimmed.startsWith("{")) {
    const read = readJsonMessage(trimmed);
    if (!read.ok) {
      const code = read.reason.startsWith("invalid JSON")
        ? ParseErrorCode.invalidJson
        : ParseErrorCode.notAlertGroup;
      // A body shaped like the documented template is rarely JSON: where its skeleton broke says more.
      const asTemplate = awsTemplate?.reason ? `; read as ${awsTemplate.reason}` : "";
      return fail(code, `${read.reason}${asTemplate}`);
    }
    draft = read.draft;
  } else if (looksLikeDefaultText(body)) {
    draft = readDefaultText(body, truncatedByAmp);
  } else if (looksLikeKeyValue(body)) {
    draft = readKeyValue(body, statusFromSubject(message.subject));
  } else {
    return fail(
      ParseErrorCode.unrecognised,
      "body is neither JSON, Alertmanager's default text, nor key: value lines",
    );
  }
  if (draft.alerts.length === 0) {
    const why = truncatedByAmp
      ? "AMP truncated the body before the first complete alert"
      : "the message holds no alerts";
    return fail(ParseErrorCode.noAlerts, why);
  }
  return {
    ok: true,
    group: buildGroup(draft, message, {
      clusterLabel: options.clusterLabel,
      truncatedByAmp,
      subjectFiringCount: firingCountFromSubject(message.subject),
    }),
  };
}

/** Where the skeleton broke, when it does: such a body is then tried as JSON, like any other. */
function readAwsTemplateOrReason(
  body: string,
): { draft: DraftGroup; reason?: never } | { reason: string; draft?: never } {
  try {
    return { draft: readAwsTemplate(body) };
  } catch (error) {
    if (error instanceof AwsTemplateError) return { reason: error.message };
    throw error;
  }
}

function fail(code: ParseErrorCode, reason: string): ParseResult {
  return { ok: false, error: { code, reason } };
}
