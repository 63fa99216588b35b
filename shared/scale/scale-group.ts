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
import { planWrite, type WritePlan } from "./write-plan.ts";

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

/** A report of this group's decision, stamped with the decision time. */
type Reporter = (
  verdict: Verdict,
  ownerDetail: string,
  owner: ScaleReport["owner"],
  extra?: Partial<ScaleReport>,
) => ScaleReport;

/**
 * One alert group through the scaler: read the cluster fresh, decide, write through the owner of the replica
 * count (unless dry-run), wait for the new replicas, and describe it all in a report. Read failures and
 * guardrails become refusals in the report; only a failed write after the lock is taken rejects (so Lambda
 * retries, and the failure queue keeps it if it keeps failing).
 */
export async function scaleForGroup(group: EnrichedAlertGroup, deps: ScaleDeps): Promise<ScaleReport> {
  const now = deps.now ?? Date.now;
  const report: Reporter = (verdict, ownerDetail, owner, extra = {}) =>
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
    const read = await readOrRefuse(group, deps, report);
    if ("refusal" in read) return read.refusal;
    lastOwner = read.state.owner;
    const outcome = await scaleOnce(group, read.state, deps, report);
    if (!(outcome instanceof ScaleConflict)) return outcome;
    lastConflict = outcome.message;
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

/** CoreDNS's state read fresh, or the refusal that says why it could not be (no CoreDNS, Auto Mode, an error). */
async function readOrRefuse(
  group: EnrichedAlertGroup,
  deps: ScaleDeps,
  report: Reporter,
): Promise<{ state: ScaleState } | { refusal: ScaleReport }> {
  try {
    const state = await readScaleState(deps.kube, {
      addon: deps.addon,
      assumeSelfManaged: deps.assumeSelfManaged ?? false,
    });
    return { state };
  } catch (error) {
    if (error instanceof CoreDnsMissingError) {
      const verdict = refused(
        error.autoMode ? Guardrail.eksAutoMode : Guardrail.noCoreDns,
        error.message,
        null,
      );
      return {
        refusal: report(verdict, error.message, error.autoMode ? ScaleOwner.eksAutoMode : ScaleOwner.unknown),
      };
    }
    const reason = `could not read CoreDNS from the cluster: ${errorMessage(error)}`;
    return { refusal: report(refused(Guardrail.clusterUnreadable, reason, null), ...ownerAsEnriched(group)) };
  }
}

/**
 * One read-decide-write round on the state read: a refusal, the dry run's "would scale", or the write and the
 * wait for the new replicas. A lost race for the Deployment's or Lease's version comes back as the conflict,
 * for the caller to read again.
 */
async function scaleOnce(
  group: EnrichedAlertGroup,
  state: ScaleState,
  deps: ScaleDeps,
  report: Reporter,
): Promise<ScaleReport | ScaleConflict> {
  const now = deps.now ?? Date.now;
  const { owner, deployment, lease } = state;
  const decided = await decide(group, state, deps, now());
  if ("action" in decided) return report(decided, owner.detail, owner.owner);
  const messageId = group.source.messageId;
  const plan = planWrite(
    decided,
    owner,
    { deployment, lease },
    { at: new Date(now()).toISOString(), messageId },
  );
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
  try {
    return await writeAndWait(group, state, { decided, plan, why }, deps, report);
  } catch (error) {
    if (error instanceof ScaleConflict) return error;
    throw error;
  }
}

/** Writes the plan through the replica owner, waits for the new replicas to be Ready, and reports "scaled". */
async function writeAndWait(
  group: EnrichedAlertGroup,
  state: ScaleState,
  write: { decided: Target; plan: WritePlan; why: string },
  deps: ScaleDeps,
  report: Reporter,
): Promise<ScaleReport> {
  const { decided, plan, why } = write;
  const { owner } = state;
  const now = deps.now ?? Date.now;
  const messageId = group.source.messageId;
  const deploymentPath = corednsPath(state.deployment.metadata.name);
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const pollMs = deps.pollMs ?? ScaleLimits.pollMs;
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
    lease: state.lease,
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
