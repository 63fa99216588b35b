export { CORE_DNS_PATH, type CoreDnsAddonControl, corednsPath } from "./apply-plan.ts";
export { scaleWorstCaseMs } from "./budget.ts";
export { applyStep, parseScaleStep, readScaleConfig, type ScaleConfig, ScaleDefaults } from "./config.ts";
export { LAST_SCALE_ANNOTATION } from "./cooldown.ts";
export { eksScaleConnector } from "./eks-scale-connector.ts";
export { scaleOutcome } from "./outcome.ts";
export { type ScaleDeps, ScaleLimits, scaleForGroup } from "./scale-group.ts";
export { type ScaleConnector, scaleSnsEvent, scaleThrough } from "./scale-sns-event.ts";
