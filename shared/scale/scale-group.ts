import type { KubeApi } from "../cluster/kube-api.ts";
import { errorMessage } from "../errors.ts";
import {
  type EnrichedAlertGroup,
  Guardrail,
  ScaleAction,
  ScaleMode,
  ScaleOwner,
  type ScaleReport,
} from "../model/index.ts";
import { applyPlan, type CoreDnsAddonControl, corednsPath, ScaleConflict } from "./apply-plan.ts";
import type { ScaleConfig } from "./config.ts";
import { decideTarget, fitToNodes, refused, refuseOnGroup, type Target, type Verdict } from "./decide.ts";
import { waitForLanding } from "./landed.ts";
import type { OwnerState } from "./owner.ts";
import { placementRules } from "./placement.ts";
import { CoreDnsMissingError, readScaleState, type ScaleState, scanNodeCapacity } from "./read-state.ts";
import { toReport } from "./report.ts";
import { planWrite } from "./write-plan.ts";

export interface ScaleDeps {
  kube: KubeApi;
  /** The EKS add-on, when the cluster is reached through EKS; without it an add-on owner cannot be written. */
  addon?: CoreDnsAddonControl;
  /** A kubeconfig replay cannot ask EKS about add-ons: the operator may say CoreDNS is self-managed. */
  assumeSelfManaged?: boolean;
  config: ScaleConfig;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Between polls of an add-on update and of the new replicas' readiness. */
  pollMs?: number;
}

export const ScaleLimits = {
  /** Read-decide-write rounds when another writer keeps winning the Deployment's resourceVersion. */
  attempts: 3,
  pollMs: 5_000,
} as const;

/**
 * One alert group through the scaler: read the cluster fresh, decide, write through the owner of the replica
 * count (unless dry-run), wait for the new replicas, and describe it all in a report. Read failures and
 * guardrails become refusals in the report; only a failed write after the lock is taken rejects (so Lambda
 * retries, and the failure queue keeps it if it keeps failing).
 */
export async function scaleForGroup(group: EnrichedAlertGroup, deps: ScaleDeps): Promise<ScaleReport> {
  const now = deps.now ?? Date.now;
  const messageId = group.source.messageId;
  const report = (
    verdict: Verdict,
    ownerDetail: string,
    owner: ScaleReport["owner"],
    extra: Partial<ScaleReport> = {},
  ) =>
    toReport(group, deps.config.mode, verdict, {
      owner,
      ownerDetail,
      decidedAt: new Date(now()).toISOString(),
      ...extra,
    });

  if (deps.config.mode === ScaleMode.off) {
    return report(
      {
        action: ScaleAction.skipped,
        guardrail: Guardrail.modeOff,
        from: null,
        to: null,
        reason: "COREDNS_SCALE_MODE is off",
      },
      ...ownerAsEnriched(group),
    );
  }
  const onGroup = refuseOnGroup(group);
  if (onGroup) return report(onGroup, ...ownerAsEnriched(group));
  let lastConflict = "";
  let lastOwner: OwnerState | null = null;
  for (let attempt = 1; attempt <= ScaleLimits.attempts; attempt++) {
    let state: ScaleState;
    try {
      state = await readScaleState(deps.kube, {
        addon: deps.addon,
        assumeSelfManaged: deps.assumeSelfManaged ?? false,
      });
    } catch (error) {
      if (error instanceof CoreDnsMissingError) {
        const verdict = refused(
          error.autoMode ? Guardrail.eksAutoMode : Guardrail.noCoreDns,
          error.message,
          null,
        );
        return report(verdict, error.message, error.autoMode ? ScaleOwner.eksAutoMode : ScaleOwner.unknown);
      }
      return report(
        refused(
          Guardrail.clusterUnreadable,
          `could not read CoreDNS from the cluster: ${errorMessage(error)}`,
          null,
        ),
        ...ownerAsEnriched(group),
      );
    }
    const deploymentPath = corednsPath(state.deployment.metadata.name);
    const { owner, deployment } = state;
    lastOwner = owner;
    const decided = await decide(group, state, deps, now());
    if ("action" in decided) return report(decided, owner.detail, owner.owner);
    const plan = planWrite(decided, owner, deployment, { at: new Date(now()).toISOString(), messageId });
    if ("action" in plan) return report(plan, owner.detail, owner.owner);
    const why = `${reasonFor(group)}; ${decided.notes.join(", ")}`;
    if (deps.config.mode === ScaleMode.dryRun) {
      return report(
        {
          action: ScaleAction.wouldScale,
          guardrail: null,
          from: decided.from,
          to: decided.to,
          reason: `${why}; would write ${plan.summary}`,
        },
        owner.detail,
        owner.owner,
      );
    }
    const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const pollMs = deps.pollMs ?? ScaleLimits.pollMs;
    try {
      const applied = await applyPlan(plan, {
        kube: deps.kube,
        deploymentPath,
        addon: deps.addon,
        requestToken: `llsentinel-${messageId}`.replace(/[^A-Za-z0-9-]/g, "").slice(0, 64),
        addonUpdateWaitMs: deps.config.addonUpdateWaitMs,
        pollMs,
        sleep,
        now,
      });
      const landing = await waitForLanding(decided.to, state.podsBefore, throttledNodes(group), {
        kube: deps.kube,
        deploymentPath,
        podSelector: state.podSelector,
        waitMs: deps.config.readyWaitMs,
        pollMs,
        sleep,
        now,
      });
      const readiness = landing.allReady
        ? `${landing.ready} replicas Ready`
        : `${landing.ready} of ${decided.to} replicas Ready after ${Math.round(deps.config.readyWaitMs / 1000)} s`;
      return report(
        {
          action: ScaleAction.scaled,
          guardrail: null,
          from: decided.from,
          to: decided.to,
          reason: [why, `wrote ${plan.summary}`, ...applied.notes, readiness].join("; "),
        },
        owner.detail,
        owner.owner,
        { landed: landing.replicas, landedOn: [...new Set(landing.replicas.map((r) => r.node))] },
      );
    } catch (error) {
      if (!(error instanceof ScaleConflict)) throw error;
      lastConflict = error.message;
    }
  }
  return report(
    refused(
      Guardrail.conflict,
      `${lastConflict} on each of ${ScaleLimits.attempts} attempts; another writer is active`,
      null,
    ),
    lastOwner?.detail ?? "contended",
    lastOwner?.owner ?? ScaleOwner.unknown,
  );
}

/**
 * When the scaler refuses before reading the cluster, the owner enrichment read for the same group: the
 * report then names the owner the group's message names, not a second answer.
 */
function ownerAsEnriched(group: EnrichedAlertGroup): [detail: string, owner: ScaleOwner] {
  const owner = group.coredns?.replicaController;
  if (!owner) return ["not read", ScaleOwner.unknown];
  return [`${owner.detail} (as enrichment read it)`, owner.kind];
}

async function decide(
  group: EnrichedAlertGroup,
  state: ScaleState,
  deps: ScaleDeps,
  nowMs: number,
): Promise<Verdict | Target> {
  const target = decideTarget({
    group,
    messageId: group.source.messageId,
    config: deps.config,
    deployment: state.deployment,
    owner: state.owner,
    nowMs,
  });
  if ("action" in target) return target;
  if (state.onFargate) {
    return {
      ...target,
      notes: [...target.notes, "CoreDNS runs on Fargate: each new replica gets its own node"],
    };
  }
  try {
    const capacity = await scanNodeCapacity(deps.kube, placementRules(state.deployment), target.to);
    return fitToNodes(target, capacity);
  } catch (error) {
    return refused(
      Guardrail.clusterUnreadable,
      `could not list nodes: ${errorMessage(error)}`,
      target.from,
      target.to,
    );
  }
}

/** The firing nodes the group is about, as enrichment named them. */
function throttledNodes(group: EnrichedAlertGroup): Set<string> {
  const names = group.alerts.filter((a) => a.status === "firing").map((a) => a.node?.name);
  return new Set(names.filter((name): name is string => typeof name === "string"));
}

function reasonFor(group: EnrichedAlertGroup): string {
  return `diagnosis ${group.diagnosis.map((d) => d.code).join(", ")}`;
}
