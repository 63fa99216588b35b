import type { LabelSet } from "./alert.ts";

// Alertmanager's fingerprint is FNV-1a 64 over the sorted label names and values, each followed by the
// 0xff separator byte, printed as 16 hex digits. Computing the same value lets us deduplicate alerts that
// reached us through a text template (which carries no fingerprint) against the same alerts sent as JSON.
const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK_64 = 0xffffffffffffffffn;
const SEPARATOR = 0xff;

export function labelFingerprint(labels: LabelSet): string {
  let hash = FNV_OFFSET;
  const add = (byte: number) => {
    hash = ((hash ^ BigInt(byte)) * FNV_PRIME) & MASK_64;
  };
  const encoder = new TextEncoder();
  for (const name of Object.keys(labels).sort()) {
    for (const byte of encoder.encode(name)) add(byte);
    add(SEPARATOR);
    for (const byte of encoder.encode(labels[name] ?? "")) add(byte);
    add(SEPARATOR);
  }
  return hash.toString(16).padStart(16, "0");
}
