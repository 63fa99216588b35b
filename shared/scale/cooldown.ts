import type { Lease } from "../cluster/kube-objects.ts";

/**
 * The last scale-up, kept as an annotation on the scaler's Lease (scale-lease.ts): visible with
 * `kubectl -n kube-system get lease linklocal-sentinel-coredns-scale -o yaml`, and written as the claim before
 * the replica count, so the Lease's resourceVersion is the lock.
 */
export const LAST_SCALE_ANNOTATION = "linklocal-sentinel.io/last-scale-up";

export interface LastScale {
  /** RFC 3339. */
  at: string;
  from: number;
  to: number;
  /** The SNS message id of the alert group that triggered it. */
  messageId: string;
  owner: string;
}

/** The annotation's record, or null when absent or unreadable (an unreadable one is reported, not trusted). */
export function readLastScale(lease: Lease): { last: LastScale | null; problem: string | null } {
  const text = lease.metadata.annotations?.[LAST_SCALE_ANNOTATION];
  if (text === undefined) return { last: null, problem: null };
  try {
    const value = JSON.parse(text) as Partial<LastScale>;
    if (
      typeof value.at === "string" &&
      Number.isFinite(Date.parse(value.at)) &&
      typeof value.from === "number" &&
      typeof value.to === "number" &&
      typeof value.messageId === "string"
    ) {
      return { last: { owner: "", ...value } as LastScale, problem: null };
    }
  } catch {
    // reported below
  }
  return { last: null, problem: `annotation ${LAST_SCALE_ANNOTATION} is unreadable and was ignored` };
}

export function lastScaleAnnotation(last: LastScale): Record<string, string> {
  return { [LAST_SCALE_ANNOTATION]: JSON.stringify(last) };
}

/** Seconds left in the cooldown after `last`, 0 when it is over. */
export function cooldownLeftSeconds(last: LastScale, cooldownSeconds: number, nowMs: number): number {
  const elapsed = (nowMs - Date.parse(last.at)) / 1000;
  return Math.max(0, Math.ceil(cooldownSeconds - elapsed));
}
