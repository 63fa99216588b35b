/**
 * Alertmanager's default subject is `[FIRING:3] groupLabelValues (commonLabelValues)`, cut by AMP at
 * 100 characters. Only the status is reliable enough to use.
 */
export function statusFromSubject(subject: string | null): "firing" | "resolved" | null {
  const match = /^\s*\[(FIRING|RESOLVED)\b/i.exec(subject ?? "");
  return match ? ((match[1] as string).toLowerCase() as "firing" | "resolved") : null;
}

/**
 * How many alerts were firing in the group when Alertmanager rendered the subject: `[FIRING:300]` in the
 * default subject and in the project's. When AMP cuts a body at 256 KB the subject still holds the whole
 * count, so it tells how many alerts the cut lost. Null when the subject does not say.
 */
export function firingCountFromSubject(subject: string | null): number | null {
  const match = /^\s*\[FIRING:(\d{1,7})\]/i.exec(subject ?? "");
  return match ? Number(match[1]) : null;
}
