import { evaluate } from "@marcbachmann/cel-js";
import type { AdmissionAttributes } from "../../sim/kube-api-server.ts";
import { type JsonObject, loadYamlDocuments } from "./infra-template.ts";

/**
 * infra/admission-policy.yaml as kube-apiserver applies it, for the simulated API server's `admit` hook: the
 * bindings' policies, their matchConstraints (resource rules), matchConditions and validations, each CEL
 * expression evaluated with a real CEL evaluator over the request, the object and the old object. A
 * validation that is false or fails to evaluate (failurePolicy Fail) denies with the policy's message.
 */
export const admissionDocuments = loadYamlDocuments("infra/admission-policy.yaml").filter((d) => d !== null);

interface ResourceRule {
  apiGroups: string[];
  resources: string[];
  operations: string[];
}

interface Policy {
  name: string;
  failurePolicy: string;
  rules: ResourceRule[];
  matchConditions: { name: string; expression: string }[];
  validations: { expression: string; message?: string }[];
}

function policies(): { policy: Policy; binding: string }[] {
  const byName = new Map(
    admissionDocuments
      .filter((d) => d.kind === "ValidatingAdmissionPolicy")
      .map((d) => {
        const spec = d.spec as JsonObject;
        const constraints = spec.matchConstraints as JsonObject;
        const policy: Policy = {
          name: String((d.metadata as JsonObject).name),
          failurePolicy: String(spec.failurePolicy ?? "Fail"),
          rules: (constraints.resourceRules ?? []) as unknown as ResourceRule[],
          matchConditions: (spec.matchConditions ?? []) as unknown as Policy["matchConditions"],
          validations: (spec.validations ?? []) as unknown as Policy["validations"],
        };
        return [policy.name, policy] as const;
      }),
  );
  return admissionDocuments
    .filter((d) => d.kind === "ValidatingAdmissionPolicyBinding")
    .flatMap((d) => {
      const spec = d.spec as JsonObject;
      const policy = byName.get(String(spec.policyName));
      const actions = (spec.validationActions ?? []) as string[];
      return policy && actions.includes("Deny")
        ? [{ policy, binding: String((d.metadata as JsonObject).name) }]
        : [];
    });
}

function ruleMatches(rule: ResourceRule, write: AdmissionAttributes): boolean {
  const resource = write.subResource ? `${write.resource}/${write.subResource}` : write.resource;
  const resourceMatches = rule.resources.some(
    (r) =>
      r === resource ||
      (r === "*" && write.subResource === "") ||
      (r === "*/*" && write.subResource !== "") ||
      (r === `${write.resource}/*` && write.subResource !== ""),
  );
  return (
    (rule.apiGroups.includes("*") || rule.apiGroups.includes(write.apiGroup)) &&
    resourceMatches &&
    (rule.operations.includes("*") || rule.operations.includes(write.operation))
  );
}

/** The CEL variables a ValidatingAdmissionPolicy sees for a write. */
function celVariables(write: AdmissionAttributes, groups: readonly string[]) {
  return {
    request: {
      operation: write.operation,
      userInfo: { username: write.user, groups: [...groups] },
      resource: { group: write.apiGroup, version: "v1", resource: write.resource },
      subResource: write.subResource,
      name: write.name,
      namespace: write.namespace ?? "",
    },
    object: write.object,
    oldObject: write.oldObject,
  };
}

function holds(expression: string, variables: object): boolean | Error {
  try {
    const value = evaluate(expression, variables as Record<string, unknown>);
    return value === true;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Admission's answer for one write: null admits, a message denies. */
export function admissionDecision(write: AdmissionAttributes, groups: readonly string[]): string | null {
  const variables = celVariables(write, groups);
  for (const { policy, binding } of policies()) {
    if (!policy.rules.some((rule) => ruleMatches(rule, write))) continue;
    const conditions = policy.matchConditions.map((c) => holds(c.expression, variables));
    if (conditions.some((c) => c === false)) continue;
    if (conditions.some((c) => c instanceof Error) && policy.failurePolicy !== "Fail") continue;
    for (const validation of policy.validations) {
      const outcome = holds(validation.expression, variables);
      if (outcome === true) continue;
      const why =
        outcome instanceof Error
          ? `expression '${validation.expression}' resulted in error: ${outcome.message}`
          : (validation.message ?? `failed expression: ${validation.expression}`);
      return `ValidatingAdmissionPolicy '${policy.name}' with binding '${binding}' denied request: ${why}`;
    }
  }
  return null;
}

/** An `admit` hook for the simulator: the user's groups, then the policy. */
export function policyAdmission(
  groupsOf: Record<string, readonly string[]>,
): (write: AdmissionAttributes) => string | null {
  return (write) => admissionDecision(write, groupsOf[write.user] ?? []);
}
