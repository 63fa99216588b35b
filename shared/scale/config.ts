import { type Env, readEnum, readInt, readString } from "../config/env.ts";
import type { ScaleUpPolicy } from "../diagnose/context.ts";
import { ConfigError } from "../errors.ts";
import { ScaleMode } from "../model/index.ts";

/** How far one decision moves the replica count: `+N` replicas or `xF` times the current count. */
export type ScaleStep = { kind: "add"; replicas: number } | { kind: "multiply"; factor: number };

export interface ScaleConfig {
  mode: ScaleMode;
  maxReplicas: number;
  cooldownSeconds: number;
  step: ScaleStep;
  /** How long to wait for the new replicas to be Ready before reporting where they landed. */
  readyWaitMs: number;
  /** How long to wait for an EKS add-on update to finish. */
  addonUpdateWaitMs: number;
}

export const ScaleDefaults = {
  maxReplicas: 10,
  cooldownSeconds: 900,
  /** +1 per decision: each replica adds one ENI's link-local allowance, and the cooldown paces the next. */
  step: "+1",
  readyWaitSeconds: 60,
  addonUpdateWaitSeconds: 120,
} as const;

/**
 * `COREDNS_SCALE_MODE` (off | dry-run | on, default off), `COREDNS_MAX_REPLICAS` (default 10),
 * `COREDNS_SCALE_COOLDOWN_SECONDS` (default 900), `COREDNS_SCALE_STEP` (`+N` or `xF`, default +1),
 * `COREDNS_READY_WAIT_SECONDS` (default 60), `COREDNS_ADDON_UPDATE_WAIT_SECONDS` (default 120).
 */
export function readScaleConfig(env: Env): ScaleConfig {
  return {
    mode: readEnum(env, "COREDNS_SCALE_MODE", Object.values(ScaleMode), ScaleMode.off),
    maxReplicas: readInt(env, "COREDNS_MAX_REPLICAS", ScaleDefaults.maxReplicas, { min: 1, max: 1000 }),
    cooldownSeconds: readInt(env, "COREDNS_SCALE_COOLDOWN_SECONDS", ScaleDefaults.cooldownSeconds, {
      min: 0,
      max: 86_400,
    }),
    step: parseScaleStep(readString(env, "COREDNS_SCALE_STEP") ?? ScaleDefaults.step),
    readyWaitMs:
      readInt(env, "COREDNS_READY_WAIT_SECONDS", ScaleDefaults.readyWaitSeconds, { min: 0, max: 120 }) * 1000,
    addonUpdateWaitMs:
      readInt(env, "COREDNS_ADDON_UPDATE_WAIT_SECONDS", ScaleDefaults.addonUpdateWaitSeconds, {
        min: 0,
        max: 120,
      }) * 1000,
  };
}

export function parseScaleStep(text: string): ScaleStep {
  const add = /^\+(\d{1,3})$/.exec(text);
  if (add && Number(add[1]) >= 1) return { kind: "add", replicas: Number(add[1]) };
  const multiply = /^[xX*](\d{1,2}(?:\.\d{1,2})?)$/.exec(text);
  if (multiply && Number(multiply[1]) > 1) return { kind: "multiply", factor: Number(multiply[1]) };
  throw new ConfigError(
    `COREDNS_SCALE_STEP must be +N (N >= 1 replicas) or xF (F > 1, e.g. x1.5), got "${text}"`,
  );
}

/** What the scaler would write from `from`: one step, capped at the maximum (`from` when already there). */
export function scaleUpPolicy(config: Pick<ScaleConfig, "step" | "maxReplicas">): ScaleUpPolicy {
  return {
    next: (from) =>
      from >= config.maxReplicas ? from : Math.min(applyStep(from, config.step), config.maxReplicas),
  };
}

/** The count one step above `from`; always at least one more. */
export function applyStep(from: number, step: ScaleStep): number {
  if (step.kind === "add") return from + step.replicas;
  return Math.max(from + 1, Math.ceil(from * step.factor));
}

export function formatStep(step: ScaleStep): string {
  return step.kind === "add" ? `+${step.replicas}` : `x${step.factor}`;
}
