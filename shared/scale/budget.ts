import { AwsCallBudgets, worstCaseMs } from "../aws/client-options.ts";
import type { ScaleConfig } from "./config.ts";
import { ScaleReadLimits } from "./read-state.ts";
import { ScaleLimits } from "./scale-group.ts";

/**
 * The longest one decision can take when every call times out: each read-decide-write round (two waves of
 * reads, the add-on lookup, the node pages, the claim), then the owner's write and its update wait, the wait
 * for Ready replicas and the reads after it, and the report's Publish. The function's timeout is checked
 * against it (test/infra/function-timeouts.test.ts).
 */
export function scaleWorstCaseMs(options: {
  kubeTimeoutMs: number;
  config: Pick<ScaleConfig, "addonUpdateWaitMs" | "readyWaitMs">;
}): number {
  const kube = options.kubeTimeoutMs;
  const eks = worstCaseMs(AwsCallBudgets.eks);
  const round = 2 * kube + eks + ScaleReadLimits.maxNodePages * kube + kube;
  const ownerWrite = eks + options.config.addonUpdateWaitMs + eks;
  const landing = options.config.readyWaitMs + kube + 2 * kube;
  return ScaleLimits.attempts * round + ownerWrite + landing + worstCaseMs(AwsCallBudgets.sns);
}
