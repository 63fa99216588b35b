/**
 * Alertmanager's default subject is `[FIRING:3] groupLabelValues (commonLabelValues)`, cut by AMP at
 * 100 characters. Only the status is reliable enough to use.
 */
export function statusFromSubject(subject: string | null): "firing" | "resolved" | null {
  const match = /^\s*\[(FIRING|RESOLVED)\b/i.exec(subject ?? "");
  return match ? ((match[1] as string).toLowerCase() as "firing" | "resolved") : null;
}
