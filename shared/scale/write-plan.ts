import type { Deployment } from "../cluster/kube-objects.ts";
import { Guardrail, ScaleOwner } from "../model/index.ts";
import { ConfigEditError, setWholeNumber } from "./config-values.ts";
import { type LastScale, lastScaleAnnotation } from "./cooldown.ts";
import { refused, type Target, type Verdict } from "./decide.ts";
import type { OwnerState } from "./owner.ts";

/**
 * What the scaler writes, decided before anything is written. Every plan starts with one merge patch on the
 * coredns Deployment carrying `metadata.resourceVersion` as a precondition and the cooldown annotation: a
 * concurrent scaler that read the same version gets 409 and re-decides (and then sees the cooldown). When
 * nobody else owns the count, the same patch sets `spec.replicas`; otherwise it is the claim, and the owner's
 * object is written next.
 */
export interface DeploymentPatch {
  metadata: { resourceVersion: string; annotations: Record<string, string> };
  spec?: { replicas: number };
}

export type WritePlan =
  | { owner: typeof ScaleOwner.deployment; deploymentPatch: DeploymentPatch; summary: string }
  | {
      owner: typeof ScaleOwner.eksAddon;
      deploymentPatch: DeploymentPatch;
      /** The add-on's new configuration values: the old text with one or two numbers changed. */
      configurationValues: string;
      summary: string;
    }
  | {
      owner: typeof ScaleOwner.clusterProportionalAutoscaler;
      deploymentPatch: DeploymentPatch;
      configMap: {
        name: string;
        patch: { metadata: { resourceVersion: string }; data: Record<string, string> };
      };
      summary: string;
    };

export function planWrite(
  target: Target,
  owner: OwnerState,
  deployment: Deployment,
  claim: Omit<LastScale, "from" | "to" | "owner">,
): WritePlan | Verdict {
  const { from, to } = target;
  const resourceVersion = deployment.metadata.resourceVersion;
  if (!resourceVersion) {
    return refused(
      Guardrail.conflict,
      "the coredns Deployment has no resourceVersion to write against",
      from,
      to,
    );
  }
  const annotations = lastScaleAnnotation({ ...claim, from, to, owner: owner.owner });
  const claimPatch: DeploymentPatch = { metadata: { resourceVersion, annotations } };
  const scalePatch: DeploymentPatch = { ...claimPatch, spec: { replicas: to } };
  try {
    switch (owner.owner) {
      case ScaleOwner.deployment:
        return { owner: owner.owner, deploymentPatch: scalePatch, summary: `spec.replicas ${from} → ${to}` };
      case ScaleOwner.eksAddon:
        return owner.autoScaling
          ? addonAutoScalingPlan(target, owner, claimPatch)
          : addonReplicaCountPlan(target, owner, scalePatch);
      case ScaleOwner.clusterProportionalAutoscaler:
        return autoscalerPlan(target, owner, claimPatch);
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
function addonAutoScalingPlan(
  target: Target,
  owner: AddonOwner,
  claimPatch: DeploymentPatch,
): WritePlan | Verdict {
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
    deploymentPatch: claimPatch,
    configurationValues: values,
    summary: changes.join(", "),
  };
}

/**
 * replicaCount or no replica setting: scale the Deployment now and record the count in the add-on's
 * configuration, or the next add-on update would put the old count back.
 */
function addonReplicaCountPlan(target: Target, owner: AddonOwner, scalePatch: DeploymentPatch): WritePlan {
  const before = owner.settings.replicaCount;
  return {
    owner: owner.owner,
    deploymentPatch: scalePatch,
    configurationValues: setWholeNumber(owner.addon.configurationValues, ["replicaCount"], target.to),
    summary: `spec.replicas ${target.from} → ${target.to}, add-on replicaCount ${before ?? "unset"} → ${target.to}`,
  };
}

/** Linear mode: raise `min` (and `max` when below it). Ladder mode: raise every step below the target to it. */
function autoscalerPlan(
  target: Target,
  owner: AutoscalerOwner,
  claimPatch: DeploymentPatch,
): WritePlan | Verdict {
  const { from, to } = target;
  const configMap = owner.configMap;
  const name = owner.autoscaler.configMap;
  if (!configMap?.metadata.resourceVersion) {
    return refused(
      Guardrail.ownerCannotExpress,
      `the autoscaler's ConfigMap ${name} could not be read`,
      from,
      to,
    );
  }
  const write = (data: Record<string, string>, summary: string): WritePlan => ({
    owner: owner.owner,
    deploymentPatch: claimPatch,
    configMap: {
      name,
      patch: { metadata: { resourceVersion: configMap.metadata.resourceVersion as string }, data },
    },
    // Named: the autoscaler and its ConfigMap may be called anything (found by --target).
    summary: `ConfigMap ${name} ${summary}`,
  });
  const linear = configMap.data?.linear;
  if (linear !== undefined) {
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
    return write({ linear: text }, changes.join(", "));
  }
  const ladderText = configMap.data?.ladder;
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
  return write(
    { ladder: JSON.stringify(raised) },
    `ladder steps below ${to} replicas raised to ${to} (${steps.join(", ")})`,
  );
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
