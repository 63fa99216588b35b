import type { AccessRequest } from "../../sim/kube-api-server.ts";
import { type JsonObject, loadYamlDocuments } from "./infra-template.ts";

/**
 * Kubernetes RBAC's decision from infra/rbac.yaml alone (allow-only, like RBAC itself), for the RBAC tests and
 * as the simulated API server's authorizer, so tests run with exactly the rights the manifest grants.
 */
export const documents = loadYamlDocuments("infra/rbac.yaml").filter((d) => d !== null);
/** infra/rbac.yaml with the opt-in cluster-wide pod reads of infra/rbac-cluster-pods.yaml applied too. */
export const withClusterPods = [
  ...documents,
  ...loadYamlDocuments("infra/rbac-cluster-pods.yaml").filter((d) => d !== null),
];
export const ofKind = (kind: string, from: readonly JsonObject[] = documents) =>
  from.filter((d) => d.kind === kind);

export interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

export interface Request {
  group: string;
  verb: string;
  apiGroup: string;
  resource: string;
  namespace: string | null;
  name: string | null;
}

export function rulesOf(
  kind: "ClusterRole" | "Role",
  name: string,
  namespace: string | null,
  from: readonly JsonObject[] = documents,
): Rule[] {
  const role = ofKind(kind, from).find(
    (r) =>
      (r.metadata as JsonObject).name === name &&
      (kind === "ClusterRole" || (r.metadata as JsonObject).namespace === namespace),
  );
  return (role?.rules ?? []) as unknown as Rule[];
}

export function bindsGroup(binding: JsonObject, group: string): boolean {
  return ((binding.subjects ?? []) as JsonObject[]).some((s) => s.kind === "Group" && s.name === group);
}

/** Kubernetes RBAC's decision for a request, from the manifests alone (allow-only, like RBAC itself). */
export function allowed(request: Request, from: readonly JsonObject[] = documents): boolean {
  const ruleAllows = (rule: Rule) =>
    rule.apiGroups.includes(request.apiGroup) &&
    rule.resources.includes(request.resource) &&
    rule.verbs.includes(request.verb) &&
    (rule.resourceNames === undefined ||
      (request.name !== null && rule.resourceNames.includes(request.name)));
  const clusterWide = ofKind("ClusterRoleBinding", from)
    .filter((b) => bindsGroup(b, request.group))
    .flatMap((b) => rulesOf("ClusterRole", String((b.roleRef as JsonObject).name), null, from));
  const namespaced =
    request.namespace === null
      ? []
      : ofKind("RoleBinding", from)
          .filter(
            (b) => (b.metadata as JsonObject).namespace === request.namespace && bindsGroup(b, request.group),
          )
          .flatMap((b) => {
            const ref = b.roleRef as JsonObject;
            return rulesOf(ref.kind as "Role" | "ClusterRole", String(ref.name), request.namespace, from);
          });
  return [...clusterWide, ...namespaced].some(ruleAllows);
}

/** A recorded API path as an RBAC request: `/api/v1/namespaces/kube-system/pods` is list pods in kube-system. */
export function toRequest(method: string, path: string, group: string): Request {
  const parts = path.split("/").filter(Boolean);
  const apiGroup = parts[0] === "api" ? "" : (parts[1] as string);
  let rest = parts[0] === "api" ? parts.slice(2) : parts.slice(3);
  let namespace: string | null = null;
  if (rest[0] === "namespaces" && rest.length > 2) {
    namespace = rest[1] as string;
    rest = rest.slice(2);
  }
  const [resource = "", name = null, subresource] = rest;
  const verb =
    method === "GET" ? (name === null ? "list" : "get") : method === "PATCH" ? "patch" : method.toLowerCase();
  return {
    group,
    verb,
    apiGroup,
    resource: subresource ? `${resource}/${subresource}` : resource,
    namespace,
    name,
  };
}

/** An authorizer for the simulator: the user's groups, then the manifest's rules for any of them. */
export function rbacAuthorizer(
  groupsOf: Record<string, readonly string[]>,
  from: readonly JsonObject[] = documents,
): (request: AccessRequest) => boolean {
  return (request) =>
    (groupsOf[request.user] ?? []).some((group) =>
      allowed(
        {
          group,
          verb: request.verb,
          apiGroup: request.apiGroup,
          resource: request.resource,
          namespace: request.namespace,
          name: request.name,
        },
        from,
      ),
    );
}
