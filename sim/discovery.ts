/**
 * The discovery documents kubectl reads before any request (`/api`, `/apis`, `/api/v1`, `/apis/apps/v1`,
 * `/version`), limited to what the simulator serves, so `kubectl --kubeconfig <sim>` works against it.
 */

const resource = (
  name: string,
  kind: string,
  namespaced: boolean,
  verbs: string[],
  shortNames: string[],
) => ({
  name,
  singularName: kind.toLowerCase(),
  namespaced,
  kind,
  verbs,
  ...(shortNames.length > 0 ? { shortNames } : {}),
});

export function discoveryDocument(path: string, serverAddress: string): unknown {
  switch (path.replace(/\/$/, "")) {
    case "/version":
      return {
        major: "1",
        minor: "31",
        gitVersion: "v1.31.4-eks-2d5f260",
        gitCommit: "0000000000000000000000000000000000000000",
        gitTreeState: "clean",
        buildDate: "2026-01-01T00:00:00Z",
        goVersion: "go1.23.4",
        compiler: "gc",
        platform: "linux/amd64",
      };
    case "/api":
      return {
        kind: "APIVersions",
        versions: ["v1"],
        serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
      };
    case "/apis":
      return {
        kind: "APIGroupList",
        apiVersion: "v1",
        groups: [
          {
            name: "apps",
            versions: [{ groupVersion: "apps/v1", version: "v1" }],
            preferredVersion: { groupVersion: "apps/v1", version: "v1" },
          },
          {
            name: "coordination.k8s.io",
            versions: [{ groupVersion: "coordination.k8s.io/v1", version: "v1" }],
            preferredVersion: { groupVersion: "coordination.k8s.io/v1", version: "v1" },
          },
        ],
      };
    case "/api/v1":
      return {
        kind: "APIResourceList",
        groupVersion: "v1",
        resources: [
          resource("configmaps", "ConfigMap", true, ["get", "list", "patch"], ["cm"]),
          resource("nodes", "Node", false, ["get", "list"], ["no"]),
          resource("pods", "Pod", true, ["get", "list"], ["po"]),
        ],
      };
    case "/apis/apps/v1":
      return {
        kind: "APIResourceList",
        apiVersion: "v1",
        groupVersion: "apps/v1",
        resources: [
          resource("daemonsets", "DaemonSet", true, ["get", "list", "patch"], ["ds"]),
          resource("deployments", "Deployment", true, ["get", "list", "patch"], ["deploy"]),
          {
            name: "deployments/scale",
            singularName: "",
            namespaced: true,
            group: "autoscaling",
            version: "v1",
            kind: "Scale",
            verbs: ["get", "patch"],
          },
        ],
      };
    case "/apis/coordination.k8s.io/v1":
      return {
        kind: "APIResourceList",
        apiVersion: "v1",
        groupVersion: "coordination.k8s.io/v1",
        resources: [resource("leases", "Lease", true, ["get", "list", "patch"], [])],
      };
    default:
      return undefined;
  }
}
