/** PagerDuty accepts exactly these severities. */
export const PagerDutySeverity = {
  critical: "critical",
  error: "error",
  warning: "warning",
  info: "info",
} as const;
export type PagerDutySeverity = (typeof PagerDutySeverity)[keyof typeof PagerDutySeverity];

const SEVERITY_ALIASES: Record<string, PagerDutySeverity> = {
  critical: "critical",
  crit: "critical",
  page: "critical",
  p1: "critical",
  fatal: "critical",
  emergency: "critical",
  error: "error",
  err: "error",
  high: "error",
  major: "error",
  p2: "error",
  warning: "warning",
  warn: "warning",
  medium: "warning",
  minor: "warning",
  p3: "warning",
  info: "info",
  informational: "info",
  notice: "info",
  low: "info",
  none: "info",
  p4: "info",
  p5: "info",
};

export interface MappedSeverity {
  severity: PagerDutySeverity;
  /** Set when the label was missing or not understood, to be shown in custom_details. */
  note: string | null;
}

/** Maps the alert's `severity` label; unknown or missing -> `error`, with a note saying so. */
export function mapSeverity(label: string | null): MappedSeverity {
  if (label === null || label.trim() === "") {
    return { severity: "error", note: "the alert has no severity label; sent as error" };
  }
  const key = label.trim().toLowerCase();
  // Own keys only: a label `constructor` or `__proto__` is an unknown severity, not Object.prototype's member.
  const mapped = Object.hasOwn(SEVERITY_ALIASES, key) ? SEVERITY_ALIASES[key] : undefined;
  if (mapped !== undefined) return { severity: mapped, note: null };
  return {
    severity: "error",
    note: `severity "${label.slice(0, 100)}" is not one of critical, error, warning, info (or a known alias); sent as error`,
  };
}
