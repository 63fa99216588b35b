/**
 * Secrets (the Slack webhook URL, the PagerDuty routing key) must never reach a log line or an error message.
 * Errors from fetch and from servers are passed through these before they are kept.
 */

const REDACTED = "***";

/** `https://hooks.slack.com/services/T0/B0/xyz` -> `https://hooks.slack.com/services/***`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const firstSegment = parsed.pathname.split("/").filter((part) => part !== "")[0];
    const path = firstSegment === undefined ? `/${REDACTED}` : `/${firstSegment}/${REDACTED}`;
    return `${parsed.protocol}//${parsed.host}${path}`;
  } catch {
    return REDACTED;
  }
}

/**
 * Replaces every occurrence of each secret (and, for URLs, of their path, which is the secret part of a
 * Slack webhook) in `text`. Empty secrets are ignored.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secretVariants(secrets)) {
    result = result.split(secret).join(REDACTED);
  }
  return result;
}

function secretVariants(secrets: readonly string[]): string[] {
  const variants = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    variants.add(secret);
    variants.add(encodeURIComponent(secret));
    try {
      const parsed = new URL(secret);
      if (parsed.pathname.length > 1) variants.add(parsed.pathname);
      variants.add(parsed.href);
    } catch {
      // Not a URL (a routing key): the raw and encoded forms are enough.
    }
  }
  // Longest first so a URL is replaced whole before its path is.
  return [...variants].sort((a, b) => b.length - a.length);
}
