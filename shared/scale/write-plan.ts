import type { Deployment, Lease } from "../cluster/kube-objects.ts";
import { Guardrail, ScaleOwner } from "../model/index.ts";
import { ConfigEditError, setWholeNumber } from "./config-values.ts";
import { LAST_SCALE_ANNOTATION, type LastScale, lastScaleAnnotation } from "./cooldown.ts";
import { refused, type Target, type Verdict } from "./decide.ts";
import type { OwnerState } from "./owner.ts";

/**
 * What the scaler writes, decided before anything is written. Every plan starts with the claim: one merge
 * patch on the scaler's Lease carrying its `metadata.resourceVersion` as a precondition and the cooldown
 * record, so a concurrent scaler that read the same version gets 409 and re-decides (and then sees the
 * cooldown). Then, by owner: the replica count through the Deployment's scale subresource (with the
 * Deployment's resourceVersion as a precondition), the add-on's configuration, or the autoscaler's ConfigMap.
 * Nothing writes the Deployment object itself: the scaler holds no right to its pod template.
 */
export interface LeaseClaim {
  patch: { metadata: { resourceVersion: string; annotations: Record<string, string> } };
  /** The record the claim replaces, put back if the write it announces fails (null: there was none). */
  previous: string | null;
}

/** A merge patch on `deployments/coredns/scale`: the replica count, against the version that was read. */
export interface ScalePatch {
  metadata: { resourceVersion: string };
  spec: { replicas: number };
}

export type WritePlan =
  | { owner: typeof ScaleOwner.deployment; claim: LeaseClaim; scale: ScalePatch; summary: string }
  | {
      owner: typeof ScaleOwner.eksAddon;
      claim: LeaseClaim;
      /** replicaCount: the Deployment is scaled now too; autoScaling: EKS's autoscaler adds the replicas. */
      scale: ScalePatch | null;
      /** The add-on's new configuration values: the old text with one or two numbers changed. */
      configurationValues: string;
      summary: string;
    }
  | {
      owner: typeof ScaleOwner.clusterProportionalAutoscaler;
      claim: LeaseClaim;
      configMap: {
        name: string;
        patch: { metadata: { resourceVersion: string }; data: Record<string, string> };
      };
      summary: string;
    };

export function planWrite(
  target: Target,
  owner: OwnerState,
  objects: { deployment: Deployment; lease: Lease },
  record: Omit<LastScale, "from" | "to" | "owner">,
): WritePlan | Verdict {
  const { from, to } = target;
  const deploymentVersion = objects.deployment.metadata.resourceVersion;
  const leaseVersion = objects.lease.metadata.resourceVersion;
  if (!deploymentVersion || !leaseVersion) {
    const what = deploymentVersion ? "the scaler's Lease" : "the coredns Deployment";
    return refused(Guardrail.conflict, `${what} has no resourceVersion to write against`, from, to);
  }
  const claim: LeaseClaim = {
    patch: {
      metadata: {
        resourceVersion: leaseVersion,
        annotations: lastScaleAnnotation({ ...record, from, to, owner: owner.owner }),
      },
    },
    previous: objects.lease.metadata.annotations?.[LAST_SCALE_ANNOTATION] ?? null,
  };
  const scale: ScalePatch = { metadata: { resourceVersion: deploymentVersion }, spec: { replicas: to } };
  try {
    switch (owner.owner) {
      case ScaleOwner.deployment:
        return { owner: owner.owner, claim, scale, summary: `spec.replicas ${from} → ${to}` };
      case ScaleOwner.eksAddon:
        return owner.autoScaling
          ? addonAutoScalingPlan(target, owner, claim)
          : addonReplicaCountPlan(target, owner, claim, scale);
      case ScaleOwner.clusterProportionalAutoscaler:
        return autoscalerPlan(target, owner, claim);
      default:
        return refused(Guardrail.unknownOwner, owner.detail, from, to);
    }
  } catch (error) {
    if (error instanceof ConfigEditError) {
      return refused(Guardrail.ownerCannotExpress, `${owner.detail}: ${error.message}`, from, to);
    }
    throw error;
  }
}

type AddonOwner = Extract<OwnerState, { owner: typeof ScaleOwner.eksAddon }>;
type AutoscalerOwner = Extract<OwnerState, { owner: typeof ScaleOwner.clusterProportionalAutoscaler }>;

/** autoScaling: raise minReplicas (and maxReplicas when below it); EKS's autoscaler then adds the replicas. */
function addonAutoScalingPlan(target: Target, owner: AddonOwner, claim: LeaseClaim): WritePlan | Verdict {
  const { from, to } = target;
  const min = owner.settings.autoScaling?.minReplicas ?? null;
  const max = owner.settings.autoScaling?.maxReplicas ?? null;
  if (min !== null && min >= to) {
    return refused(
      Guardrail.noScaleDown,
      `the add-on's autoScaling.minReplicas is already ${min} (≥ ${to}); lowering it would be a scale-down`,
      from,
      to,
    );
  }
  let values = setWholeNumber(owner.addon.configurationValues, ["autoScaling", "minReplicas"], to);
  const changes = [`autoScaling.minReplicas ${min ?? "unset"} → ${to}`];
  if (max !== null && max < to) {
    values = setWholeNumber(values, ["autoScaling", "maxReplicas"], to);
    changes.push(`autoScaling.maxReplicas ${max} → ${to}`);
  }
  return {
    owner: owner.owner,
    claim,
    scale: null,
    configurationValues: values,
    summary: changes.join(", "),
  };
}

/**
 * replicaCount or no replica setting: scale the Deployment now and record the count in the add-on's
 * configuration, or the next add-on update would put the old count back.
 */
function addonReplicaCountPlan(
  target: Target,
  owner: AddonOwner,
  claim: LeaseClaim,
  scale: ScalePatch,
): WritePlan {
  const before = owner.settings.replicaCount;
  return {
    owner: owner.owner,
    claim,
    scale,
    configurationValues: setWholeNumber(owner.addon.configurationValues, ["replicaCount"], target.to),
    summary: `spec.replicas ${target.from} → ${target.to}, add-on replicaCount ${before ?? "unset"} → ${target.to}`,
  };
}

/** The autoscaler ConfigMap's new data and what the change says, or the refusal. */
type AutoscalerChange = { data: Record<string, string>; summary: string } | Verdict;

/** Linear mode: raise `min` (and `max` when below it). Ladder mode: raise every step below the target to it. */
function autoscalerPlan(target: Target, owner: AutoscalerOwner, claim: LeaseClaim): WritePlan | Verdict {
  const configMap = owner.configMap;
  const name = owner.autoscaler.configMap;
  const resourceVersion = configMap?.metadata.resourceVersion;
  if (!configMap || !resourceVersion) {
    return refused(
      Guardrail.ownerCannotExpress,
      `the autoscaler's ConfigMap ${name} could not be read`,
      target.from,
      target.to,
    );
  }
  const linear = configMap.data?.linear;
  const change =
    linear !== undefined
      ? linearChange(target, name, linear)
      : ladderChange(target, name, configMap.data?.ladder);
  if ("action" in change) return change;
  return {
    owner: owner.owner,
    claim,
    configMap: { name, patch: { metadata: { resourceVersion }, data: change.data } },
    // Named: the autoscaler and its ConfigMap may be called anything (found by --target).
    summary: `ConfigMap ${name} ${change.summary}`,
  };
}

/** `min` raised to the target (and `max` when below it), keeping the rest of the JSON as written. */
function linearChange(target: Target, name: string, linear: string): AutoscalerChange {
  const { from, to } = target;
  const params = parseJsonObject(linear);
  if (!params)
    return refused(
      Guardrail.ownerCannotExpress,
      `ConfigMap ${name} has unreadable linear parameters`,
      from,
      to,
    );
  const min = typeof params.min === "number" ? params.min : null;
  if (min !== null && min >= to) {
    return refused(
      Guardrail.noScaleDown,
      `the autoscaler's linear min is already ${min} (≥ ${to})`,
      from,
      to,
    );
  }
  let text = setWholeNumber(linear, ["min"], to);
  const changes = [`linear min ${min ?? "unset"} → ${to}`];
  if (typeof params.max === "number" && params.max < to) {
    text = setWholeNumber(text, ["max"], to);
    changes.push(`linear max ${params.max} → ${to}`);
  }
  return { data: { linear: text }, summary: changes.join(", ") };
}

/** Every ladder step below the target raised to it; a refusal when there is no readable ladder either. */
function ladderChange(target: Target, name: string, ladderText: string | undefined): AutoscalerChange {
  const { from, to } = target;
  const ladder = ladderText === undefined ? null : parseJsonObject(ladderText);
  const steps = ladder ? ladderSteps(ladder) : null;
  if (!ladder || !steps) {
    return refused(
      Guardrail.ownerCannotExpress,
      `ConfigMap ${name} has neither readable linear nor ladder parameters (coresToReplicas / nodesToReplicas), so it cannot express a minimum`,
      from,
      to,
    );
  }
  const raised = Object.fromEntries(
    Object.entries(ladder).map(([key, value]) =>
      steps.includes(key)
        ? [
            key,
            (value as [number, number][]).map(([threshold, replicas]) => [threshold, Math.max(replicas, to)]),
          ]
        : [key, value],
    ),
  );
  return {
    data: { ladder: JSON.stringify(raised) },
    summary: `ladder steps below ${to} replicas raised to ${to} (${steps.join(", ")})`,
  };
}

/** The ladder arrays present and well-formed ([[threshold, replicas], ...]); null when none is. */
function ladderSteps(ladder: Record<string, unknown>): string[] | null {
  const keys = ["coresToReplicas", "nodesToReplicas"].filter((key) => {
    const value = ladder[key];
    return (
      Array.isArray(value) &&
      value.length > 0 &&
      value.every(
        (step) =>
          Array.isArray(step) && step.length === 2 && step.every((n) => Number.isInteger(n) && n >= 0),
      )
    );
  });
  return keys.length > 0 ? keys : null;
}

function parseJsonObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
