import type { Diagnosis, DiagnosisCode } from "../model/index.ts";
import type { DiagnosisContext } from "./context.ts";

/** One finding: fires with a reason, a fix and the nodes concerned, or returns null. Pure. */
export interface DiagnosisRule {
  code: DiagnosisCode;
  evaluate(context: DiagnosisContext): Diagnosis | null;
}
