/**
 * Hand-written shapes of the Kubernetes objects this product reads. Only the fields we use (and a few that
 * help humans debugging fixtures) are typed; everything is optional where the API server may omit it.
 * A client library would bring these types along with ~2 MB of code we do not want in a Lambda cold start.
 */

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** RFC 3339, e.g. 2026-11-23T09:00:00Z. */
  creationTimestamp?: string;
  resourceVersion?: string;
  generation?: number;
  ownerReferences?: OwnerReference[];
}

export interface TypeMeta {
  apiVersion?: string;
  kind?: string;
}

/** Resource quantities as the API server prints them ("4", "15896Mi", "110"). */
export type ResourceList = Record<string, string>;

export interface Taint {
  key: string;
  value?: string;
  effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute" | (string & {});
  timeAdded?: string;
}

export const NodeAddressType = {
  internalIP: "InternalIP",
  externalIP: "ExternalIP",
  hostname: "Hostname",
  internalDNS: "InternalDNS",
  externalDNS: "ExternalDNS",
} as const;

export interface NodeAddress {
  type: (typeof NodeAddressType)[keyof typeof NodeAddressType] | (string & {});
  address: string;
}

export interface Condition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastHeartbeatTime?: string;
  lastProbeTime?: string | null;
}

export interface NodeSystemInfo {
  machineID?: string;
  systemUUID?: string;
  bootID?: string;
  kernelVersion?: string;
  osImage?: string;
  containerRuntimeVersion?: string;
  kubeletVersion?: string;
  kubeProxyVersion?: string;
  operatingSystem?: string;
  architecture?: string;
}

export interface ContainerImage {
  names?: string[];
  sizeBytes?: number;
}

export interface Node extends TypeMeta {
  metadata: ObjectMeta;
  spec?: {
    /** aws:///us-east-1a/i-0123456789abcdef0 */
    providerID?: string;
    unschedulable?: boolean;
    taints?: Taint[];
    podCIDR?: string;
  };
  status?: {
    capacity?: ResourceList;
    allocatable?: ResourceList;
    addresses?: NodeAddress[];
    conditions?: Condition[];
    nodeInfo?: NodeSystemInfo;
    images?: ContainerImage[];
    daemonEndpoints?: { kubeletEndpoint?: { Port: number } };
  };
}

export interface ContainerStatus {
  name: string;
  ready: boolean;
  restartCount: number;
  image?: string;
  imageID?: string;
  containerID?: string;
  started?: boolean;
  state?: Record<string, unknown>;
}

export interface PodIP {
  ip: string;
}

export const PodPhase = {
  pending: "Pending",
  running: "Running",
  succeeded: "Succeeded",
  failed: "Failed",
  unknown: "Unknown",
} as const;
export type PodPhase = (typeof PodPhase)[keyof typeof PodPhase];

export interface Container {
  name: string;
  image?: string;
  args?: string[];
  ports?: { containerPort: number; protocol?: string; name?: string }[];
  resources?: { limits?: ResourceList; requests?: ResourceList };
}

export interface Pod extends TypeMeta {
  metadata: ObjectMeta;
  spec?: {
    nodeName?: string;
    hostNetwork?: boolean;
    containers?: Container[];
    priorityClassName?: string;
    serviceAccountName?: string;
    dnsPolicy?: string;
    tolerations?: Toleration[];
    affinity?: Affinity;
    nodeSelector?: Record<string, string>;
    topologySpreadConstraints?: TopologySpreadConstraint[];
  };
  status?: {
    phase?: PodPhase | (string & {});
    podIP?: string;
    podIPs?: PodIP[];
    hostIP?: string;
    conditions?: Condition[];
    containerStatuses?: ContainerStatus[];
    startTime?: string;
    qosClass?: string;
  };
}

export interface Toleration {
  key?: string;
  operator?: "Exists" | "Equal" | (string & {});
  value?: string;
  effect?: string;
}

export interface NodeSelectorRequirement {
  key: string;
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt" | (string & {});
  values?: string[];
}

export interface PodAffinityTerm {
  labelSelector?: LabelSelector;
  topologyKey: string;
}

/** The scheduling constraints the scaler reads; preferred terms are kept only for completeness. */
export interface Affinity {
  nodeAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: {
      nodeSelectorTerms?: { matchExpressions?: NodeSelectorRequirement[] }[];
    };
    preferredDuringSchedulingIgnoredDuringExecution?: unknown[];
  };
  podAntiAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[];
    preferredDuringSchedulingIgnoredDuringExecution?: { weight: number; podAffinityTerm: PodAffinityTerm }[];
  };
}

export interface TopologySpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: "DoNotSchedule" | "ScheduleAnyway" | (string & {});
  labelSelector?: LabelSelector;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface Deployment extends TypeMeta {
  metadata: ObjectMeta;
  spec?: {
    replicas?: number;
    selector?: LabelSelector;
    template?: { metadata?: Partial<ObjectMeta>; spec?: Pod["spec"] };
    strategy?: Record<string, unknown>;
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    unavailableReplicas?: number;
    conditions?: Condition[];
  };
}

export interface DaemonSet extends TypeMeta {
  metadata: ObjectMeta;
  spec?: {
    selector?: LabelSelector;
    template?: { metadata?: Partial<ObjectMeta>; spec?: Pod["spec"] };
  };
  status?: {
    currentNumberScheduled?: number;
    desiredNumberScheduled?: number;
    numberMisscheduled?: number;
    numberReady?: number;
    numberAvailable?: number;
    numberUnavailable?: number;
    updatedNumberScheduled?: number;
    observedGeneration?: number;
  };
}

export interface ConfigMap extends TypeMeta {
  metadata: ObjectMeta;
  data?: Record<string, string>;
}

/** A Service, as far as finding the cluster DNS workload behind `kube-dns` needs it. */
export interface Service extends TypeMeta {
  metadata: ObjectMeta;
  spec?: { selector?: Record<string, string>; clusterIP?: string; type?: string };
}

/** autoscaling/v1 Scale, the `deployments/{name}/scale` subresource. */
export interface Scale extends TypeMeta {
  metadata: ObjectMeta;
  spec?: { replicas?: number };
  status?: { replicas?: number; selector?: string };
}

export interface ListMeta {
  resourceVersion?: string;
  /** Opaque token for the next page; absent or empty on the last page. */
  continue?: string;
  /** Items left after this page (an estimate, and only when the server can tell). */
  remainingItemCount?: number;
}

export interface List<T> extends TypeMeta {
  metadata: ListMeta;
  items: T[];
}

export type NodeList = List<Node>;
export type PodList = List<Pod>;
export type DeploymentList = List<Deployment>;
export type DaemonSetList = List<DaemonSet>;
export type ConfigMapList = List<ConfigMap>;

/** meta.k8s.io/v1 PartialObjectMetadata: an object reduced to its metadata. */
export interface PartialObjectMetadata extends TypeMeta {
  metadata: ObjectMeta;
}

export type PartialObjectMetadataList = List<PartialObjectMetadata>;

export interface TableColumnDefinition {
  name: string;
  /** OpenAPI type: string, integer, number, boolean, date. */
  type: string;
  /** OpenAPI format: name, date, ... or empty. */
  format: string;
  description?: string;
  /** 0 columns show in `kubectl get`, higher ones only with `-o wide`. */
  priority?: number;
}

export interface TableRow {
  cells: unknown[];
  /** Present when requested with includeObject=Metadata (a PartialObjectMetadata) or Object (the full object). */
  object?: PartialObjectMetadata | Record<string, unknown>;
  conditions?: Condition[];
}

/** meta.k8s.io/v1 Table: the server-side printed form `kubectl get` uses. */
export interface Table extends TypeMeta {
  metadata: ListMeta;
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

/** The body of every API error (and some successes): kind Status. */
export interface Status extends TypeMeta {
  kind: "Status";
  metadata?: ListMeta;
  status?: "Success" | "Failure";
  message?: string;
  /** Unauthorized, Forbidden, NotFound, Conflict, ... */
  reason?: string;
  details?: { name?: string; group?: string; kind?: string; causes?: { message?: string; field?: string }[] };
  code: number;
}

export const KubeAccept = {
  json: "application/json",
  /** Server-side printed rows with the columns `kubectl get` shows. */
  table: "application/json;as=Table;v=v1;g=meta.k8s.io",
  /** Objects reduced to metadata; used for lists. */
  partialObjectMetadataList: "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io",
  /** Single object reduced to metadata. */
  partialObjectMetadata: "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io",
} as const;
export type KubeAccept = (typeof KubeAccept)[keyof typeof KubeAccept];

export const KubeContentType = {
  mergePatch: "application/merge-patch+json",
  strategicMergePatch: "application/strategic-merge-patch+json",
  jsonPatch: "application/json-patch+json",
} as const;
export type KubeContentType = (typeof KubeContentType)[keyof typeof KubeContentType];

export function isStatus(value: unknown): value is Status {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "Status";
}
