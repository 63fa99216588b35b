import { KubeConflictError } from "../cluster/errors.ts";
import type { KubeApi } from "../cluster/kube-api.ts";
import type { CoreDnsAddonLookup } from "../enrich/addon-lookup.ts";
import { DnsWorkload, KubePath } from "../enrich/constants.ts";
import { errorMessage } from "../errors.ts";
import { ScaleOwner } from "../model/index.ts";
import { LAST_SCALE_ANNOTATION } from "./cooldown.ts";
import type { WritePlan } from "./write-plan.ts";

/** The add-on as the scaler reaches it: read, update, follow the update (EKS in Lambda; absent with a kubeconfig). */
export interface CoreDnsAddonControl extends CoreDnsAddonLookup {
  updateConfiguration(configurationValues: string, requestToken: string): Promise<string>;
  updateStatus(updateId: string): Promise<{ status: string; errors: string[] }>;
}

export const CORE_DNS_PATH = corednsPath(DnsWorkload.corednsDeployment);

/** The CoreDNS Deployment's path, whatever it is called (a Helm release's `dns-coredns`). */
export function corednsPath(deployment: string): string {
  return `${KubePath.dnsDeployments}/${encodeURIComponent(deployment)}`;
}
const MERGE_PATCH = { contentType: "application/merge-patch+json" } as const;

/** A 409 on the claim or the owner's object: someone else wrote first; re-read and re-decide. */
export class ScaleConflict extends Error {
  constructor(what: string) {
    super(`${what} changed since it was read`);
    this.name = "ScaleConflict";
  }
}

export interface AppliedPlan {
  /** The Deployment's resourceVersion after the claim, to release the claim only if nobody wrote since. */
  claimedVersion: string | null;
  notes: string[];
}

export interface ApplyDeps {
  kube: KubeApi;
  /** The CoreDNS Deployment's path (corednsPath). */
  deploymentPath: string;
  addon?: CoreDnsAddonControl;
  requestToken: string;
  addonUpdateWaitMs: number;
  pollMs: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

/**
 * Writes a plan: the Deployment patch first (the lock), then the owner's object. If the owner's write fails
 * after the claim, the claim is released so a retry is not held off by a cooldown for a change never made.
 */
export async function applyPlan(plan: WritePlan, deps: ApplyDeps): Promise<AppliedPlan> {
  let claimedVersion: string | null;
  try {
    const written = await deps.kube.patch<{ metadata?: { resourceVersion?: string } }>(
      deps.deploymentPath,
      plan.deploymentPatch,
      MERGE_PATCH,
    );
    claimedVersion = written.metadata?.resourceVersion ?? null;
  } catch (error) {
    if (error instanceof KubeConflictError) throw new ScaleConflict("the CoreDNS Deployment");
    throw error;
  }
  try {
    if (plan.owner === ScaleOwner.eksAddon) return { claimedVersion, notes: await writeAddon(plan, deps) };
    if (plan.owner === ScaleOwner.clusterProportionalAutoscaler) {
      await deps.kube.patch(
        `${KubePath.dnsConfigMaps}/${encodeURIComponent(plan.configMap.name)}`,
        plan.configMap.patch,
        MERGE_PATCH,
      );
    }
    return { claimedVersion, notes: [] };
  } catch (error) {
    // replicaCount: the Deployment is already scaled, so the claim stays and the report says what is missing.
    const scaled = plan.deploymentPatch.spec !== undefined;
    if (!scaled) await releaseClaim(deps.kube, deps.deploymentPath, claimedVersion);
    if (error instanceof KubeConflictError) throw new ScaleConflict(`ConfigMap ${describeTarget(plan)}`);
    if (scaled) {
      return {
        claimedVersion,
        notes: [
          `recording the count in the add-on failed (${errorMessage(error)}); the next add-on update may reset it`,
        ],
      };
    }
    throw error;
  }
}

async function writeAddon(
  plan: Extract<WritePlan, { owner: "eks-addon" }>,
  deps: ApplyDeps,
): Promise<string[]> {
  if (!deps.addon) throw new Error("the EKS add-on cannot be updated from here (no EKS cluster connection)");
  const updateId = await deps.addon.updateConfiguration(plan.configurationValues, deps.requestToken);
  const deadline = deps.now() + deps.addonUpdateWaitMs;
  for (;;) {
    const { status, errors } = await deps.addon.updateStatus(updateId);
    if (status === "Successful") return [`add-on update ${updateId} succeeded`];
    if (status === "Failed" || status === "Cancelled") {
      throw new Error(
        `add-on update ${updateId} ${status.toLowerCase()}: ${errors.join("; ") || "no detail"}`,
      );
    }
    if (deps.now() + deps.pollMs > deadline) {
      return [
        `add-on update ${updateId} still in progress after ${Math.round(deps.addonUpdateWaitMs / 1000)} s`,
      ];
    }
    await deps.sleep(deps.pollMs);
  }
}

/** Removes the cooldown annotation, only if the Deployment is still at the version the claim produced. */
async function releaseClaim(kube: KubeApi, path: string, claimedVersion: string | null): Promise<void> {
  if (!claimedVersion) return;
  const patch = {
    metadata: { resourceVersion: claimedVersion, annotations: { [LAST_SCALE_ANNOTATION]: null } },
  };
  await kube.patch(path, patch, MERGE_PATCH).catch(() => undefined);
}

function describeTarget(plan: WritePlan): string {
  return plan.owner === ScaleOwner.clusterProportionalAutoscaler ? plan.configMap.name : "coredns";
}
