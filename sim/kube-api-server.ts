import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { gzipSync } from "node:zlib";
import type { ObjectMeta, Status } from "../shared/cluster/kube-objects.ts";
import { discoveryDocument } from "./discovery.ts";
import { applyMergePatch } from "./merge-patch.ts";
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from "./selectors.ts";
import type { SimCluster } from "./sim-cluster.ts";
import {
  configMapPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  type IncludeObject,
  leasePrinter,
  nodePrinter,
  type Printer,
  podPrinter,
  servicePrinter,
  tableRows,
} from "./table.ts";

/**
 * A simulated Kubernetes API server on 127.0.0.1: the real REST paths, list/Table/PartialObjectMetadata
 * shapes, selectors, pagination, Status errors, bearer-token and client-certificate authentication, a
 * forbidden list, slow and failing modes, and a record of every request for tests and the benchmark.
 */

export type StoredObject = { metadata: ObjectMeta; [key: string]: unknown };

type ApiGroup = "" | "apps" | "coordination.k8s.io";

interface ResourceType {
  group: ApiGroup;
  kind: string;
  namespaced: boolean;
  fields: readonly string[];
  collection: (cluster: SimCluster) => StoredObject[];
  // biome-ignore lint/suspicious/noExplicitAny: printers are typed per object kind; the registry is heterogeneous
  printer: Printer<any>;
}

const metadataFields = ["metadata.name", "metadata.namespace"] as const;

const resourceTypes: Record<string, ResourceType> = {
  nodes: {
    group: "",
    kind: "Node",
    namespaced: false,
    fields: ["metadata.name", "spec.unschedulable"],
    collection: (c) => c.nodes as StoredObject[],
    printer: nodePrinter,
  },
  pods: {
    group: "",
    kind: "Pod",
    namespaced: true,
    fields: [...metadataFields, "spec.nodeName", "spec.hostNetwork", "status.podIP", "status.phase"],
    collection: (c) => c.pods as StoredObject[],
    printer: podPrinter,
  },
  configmaps: {
    group: "",
    kind: "ConfigMap",
    namespaced: true,
    fields: metadataFields,
    collection: (c) => c.configMaps as StoredObject[],
    printer: configMapPrinter,
  },
  services: {
    group: "",
    kind: "Service",
    namespaced: true,
    fields: metadataFields,
    collection: (c) => c.services as StoredObject[],
    printer: servicePrinter,
  },
  deployments: {
    group: "apps",
    kind: "Deployment",
    namespaced: true,
    fields: metadataFields,
    collection: (c) => c.deployments as StoredObject[],
    printer: deploymentPrinter,
  },
  daemonsets: {
    group: "apps",
    kind: "DaemonSet",
    namespaced: true,
    fields: metadataFields,
    collection: (c) => c.daemonSets as StoredObject[],
    printer: daemonSetPrinter,
  },
  leases: {
    group: "coordination.k8s.io",
    kind: "Lease",
    namespaced: true,
    fields: metadataFields,
    collection: (c) => c.leases as StoredObject[],
    printer: leasePrinter,
  },
};

export interface ForbiddenRule {
  /** get, list, patch, or "*" */
  verb: string;
  /** nodes, pods, deployments/scale, ... */
  resource: string;
  /** Only in this namespace; omitted means everywhere. */
  namespace?: string;
}

/** One request as RBAC sees it, for an allow-list authorizer. */
export interface AccessRequest {
  user: string;
  verb: string;
  /** `deployments`, `deployments/scale`, ... */
  resource: string;
  apiGroup: string;
  namespace: string | null;
  name: string | null;
}

/** A write as admission control sees it (the fields a ValidatingAdmissionPolicy's `request` has). */
export interface AdmissionAttributes {
  user: string;
  operation: "UPDATE";
  apiGroup: string;
  /** `deployments`, `leases`, ... (never with the subresource: that is `subResource`). */
  resource: string;
  subResource: string;
  namespace: string | null;
  name: string;
  /** The object after the write and before it, as admission sees them (a Scale for the scale subresource). */
  object: unknown;
  oldObject: unknown;
}

export interface FailureMode {
  mode: "status-500" | "close-socket";
  /** Fail this many requests, then recover. */
  times?: number;
  /** Only requests whose path starts with this fail. */
  pathPrefix?: string;
}

export interface KubeApiServerOptions {
  cluster: SimCluster;
  /** Serve HTTPS with this certificate; `ca` verifies client certificates. */
  tls?: { cert: string; key: string; ca?: string };
  /**
   * Who may call. Omitted: everyone, as user "admin". Otherwise a bearer token table (token -> user name) or a
   * function, and/or client certificates verified against `tls.ca` (user = certificate CN).
   */
  auth?: {
    tokens?: Record<string, string> | ((token: string) => string | undefined);
    clientCertificates?: boolean;
  };
  forbidden?: ForbiddenRule[];
  /** Allow-list authorization like RBAC's (e.g. evaluated from infra/rbac.yaml); a false answer is a 403. */
  authorize?: (request: AccessRequest) => boolean;
  /**
   * Validating admission after authorization, before a write is stored: null admits, a message denies with 422
   * Invalid (how a ValidatingAdmissionPolicy denial reaches the client).
   */
  admit?: (write: AdmissionAttributes) => string | null;
  /** Runs after every successful write, as controllers would react to it (see sim/controllers.ts). */
  afterWrite?: (simulator: KubeApiSimulator, write: { resource: string; object: StoredObject }) => void;
  /** Delay every response by this much (timeout tests). */
  delayMs?: number;
  /** Per-request delay instead, e.g. slow only `/api/v1/pods`. */
  delayFor?: (request: { method: string; path: string }) => number;
  failure?: FailureMode;
  /** Compress responses over 128 KiB when the client accepts gzip, as kube-apiserver does. Default true. */
  compression?: boolean;
  /** Clock for Table ages. */
  now?: () => number;
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  accept: string;
  user: string | null;
  statusCode: number;
  /** Body bytes written on the wire (after compression). */
  bytesSent: number;
  gzip: boolean;
}

interface Route {
  type: ResourceType;
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

class HttpFailure extends Error {
  constructor(readonly status: Status) {
    super(status.message);
  }
}

function statusBody(code: number, reason: string, message: string, details?: Status["details"]): Status {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

const compressionThresholdBytes = 128 * 1024;
const maxRequestBodyBytes = 1024 * 1024;

export class KubeApiSimulator {
  readonly requests: RecordedRequest[] = [];
  cluster: SimCluster;
  forbidden: ForbiddenRule[];
  delayMs: number;
  failure: FailureMode | undefined;
  private resourceVersion = 1000;
  private readonly server: http.Server;
  private readonly pending = new Set<NodeJS.Timeout>();
  private address: string | undefined;

  constructor(private readonly options: KubeApiServerOptions) {
    this.cluster = options.cluster;
    this.forbidden = options.forbidden ?? [];
    this.delayMs = options.delayMs ?? 0;
    this.failure = options.failure;
    this.stampResourceVersions();
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => this.handle(req, res);
    this.server = options.tls
      ? https.createServer(
          {
            cert: options.tls.cert,
            key: options.tls.key,
            ca: options.tls.ca,
            // Like kube-apiserver: ask for a client certificate, authenticate by it if valid, else fall back to tokens.
            requestCert: options.auth?.clientCertificates === true,
            rejectUnauthorized: false,
          },
          handler,
        )
      : http.createServer(handler);
  }

  /** Base URL, e.g. https://127.0.0.1:41234 */
  get url(): string {
    if (!this.address) throw new Error("simulator not started");
    return this.address;
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.options.port ?? 0, "127.0.0.1", () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.address = `${this.options.tls ? "https" : "http"}://127.0.0.1:${port}`;
    return this.address;
  }

  async stop(): Promise<void> {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  resetRequests(): void {
    this.requests.length = 0;
  }

  /** Totals over the recorded requests (optionally only those matching a path prefix). */
  traffic(pathPrefix = ""): { requests: number; bytes: number } {
    const matching = this.requests.filter((r) => r.path.startsWith(pathPrefix));
    return { requests: matching.length, bytes: matching.reduce((sum, r) => sum + r.bytesSent, 0) };
  }

  /** Marks an object as changed (new resourceVersion), as a controller writing it would. */
  touch(object: { metadata: ObjectMeta }): void {
    object.metadata.resourceVersion = this.nextResourceVersion();
  }

  private nextResourceVersion(): string {
    this.resourceVersion += 1;
    return String(this.resourceVersion);
  }

  private stampResourceVersions(): void {
    for (const type of Object.values(resourceTypes)) {
      for (const object of type.collection(this.cluster)) {
        object.metadata.resourceVersion ??= this.nextResourceVersion();
      }
    }
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxRequestBodyBytes) chunks.push(chunk);
    });
    req.on("end", () => {
      const respond = () => this.respond(req, res, Buffer.concat(chunks), size > maxRequestBodyBytes);
      const path = new URL(req.url ?? "/", "http://simulator").pathname;
      const delay = this.options.delayFor?.({ method: req.method ?? "GET", path }) ?? this.delayMs;
      if (delay > 0) {
        const timer = setTimeout(() => {
          this.pending.delete(timer);
          respond();
        }, delay);
        this.pending.add(timer);
      } else {
        respond();
      }
    });
  }

  private respond(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: Buffer,
    tooLarge: boolean,
  ): void {
    const url = new URL(req.url ?? "/", "http://simulator");
    const query = Object.fromEntries(url.searchParams);
    const record: RecordedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query,
      accept: req.headers.accept ?? "",
      user: null,
      statusCode: 0,
      bytesSent: 0,
      gzip: false,
    };
    this.requests.push(record);

    const failing =
      this.failure &&
      (this.failure.times === undefined || this.failure.times > 0) &&
      url.pathname.startsWith(this.failure.pathPrefix ?? "");
    if (this.failure && failing) {
      if (this.failure.times !== undefined) this.failure.times -= 1;
      if (this.failure.mode === "close-socket") {
        record.statusCode = -1;
        req.socket.destroy();
        return;
      }
      this.send(
        req,
        res,
        record,
        500,
        statusBody(500, "InternalError", "Internal error occurred: simulated failure"),
      );
      return;
    }

    try {
      record.user = this.authenticate(req);
      if (tooLarge) throw new HttpFailure(statusBody(413, "RequestEntityTooLarge", "request body too large"));
      const result = this.dispatch(req, url, record.user, body);
      this.send(req, res, record, 200, result);
    } catch (error) {
      if (error instanceof HttpFailure) {
        this.send(req, res, record, error.status.code, error.status);
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      this.send(
        req,
        res,
        record,
        500,
        statusBody(500, "InternalError", `Internal error occurred: ${message}`),
      );
    }
  }

  private send(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    record: RecordedRequest,
    statusCode: number,
    payload: unknown,
  ): void {
    let body = Buffer.from(JSON.stringify(payload));
    const headers: Record<string, string | number> = { "Content-Type": "application/json" };
    const acceptsGzip = /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
    if (this.options.compression !== false && acceptsGzip && body.length > compressionThresholdBytes) {
      body = gzipSync(body);
      headers["Content-Encoding"] = "gzip";
      record.gzip = true;
    }
    headers["Content-Length"] = body.length;
    record.statusCode = statusCode;
    record.bytesSent = body.length;
    res.writeHead(statusCode, headers);
    res.end(body);
  }

  private authenticate(req: http.IncomingMessage): string {
    const auth = this.options.auth;
    if (!auth) return "admin";
    const header = req.headers.authorization;
    const bearer = header?.startsWith("Bearer ") ? header.slice("Bearer ".length).trim() : undefined;
    if (bearer && auth.tokens) {
      const user = typeof auth.tokens === "function" ? auth.tokens(bearer) : auth.tokens[bearer];
      if (user) return user;
      throw new HttpFailure(statusBody(401, "Unauthorized", "Unauthorized"));
    }
    if (auth.clientCertificates) {
      const socket = req.socket as TLSSocket;
      if (socket.authorized) {
        const subject = socket.getPeerCertificate()?.subject;
        const commonName = subject?.CN;
        if (commonName) return Array.isArray(commonName) ? (commonName[0] ?? "") : commonName;
      }
    }
    throw new HttpFailure(statusBody(401, "Unauthorized", "Unauthorized"));
  }

  private route(pathname: string): Route {
    const segments = pathname
      .split("/")
      .filter((s) => s !== "")
      .map(decodeURIComponent);
    let group: ApiGroup;
    let rest: string[];
    if (segments[0] === "api" && segments[1] === "v1") {
      group = "";
      rest = segments.slice(2);
    } else if (
      segments[0] === "apis" &&
      (segments[1] === "apps" || segments[1] === "coordination.k8s.io") &&
      segments[2] === "v1"
    ) {
      group = segments[1];
      rest = segments.slice(3);
    } else {
      throw notFoundPath();
    }
    let namespace: string | undefined;
    if (rest[0] === "namespaces" && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [resource, name, subresource, ...extra] = rest;
    const type = resource ? resourceTypes[resource] : undefined;
    if (!resource || !type || type.group !== group || extra.length > 0) throw notFoundPath();
    if (namespace !== undefined && !type.namespaced) throw notFoundPath();
    if (name !== undefined && type.namespaced && namespace === undefined) throw notFoundPath();
    if (subresource !== undefined && !(resource === "deployments" && subresource === "scale"))
      throw notFoundPath();
    return { type, resource, namespace, name, subresource };
  }

  private dispatch(req: http.IncomingMessage, url: URL, user: string, body: Buffer): unknown {
    if (req.method === "GET") {
      const discovery = discoveryDocument(url.pathname, new URL(this.url).host);
      if (discovery !== undefined) return discovery;
    }
    const route = this.route(url.pathname);
    const method = req.method ?? "GET";
    const verb =
      method === "GET" ? (route.name ? "get" : "list") : method === "PATCH" && route.name ? "patch" : "";
    if (verb === "") {
      throw new HttpFailure(
        statusBody(
          405,
          "MethodNotAllowed",
          `the server does not allow this method on the requested resource`,
        ),
      );
    }
    this.authorize(user, verb, route);
    if (verb === "list") return this.list(route, url.searchParams, req.headers.accept ?? "");
    const object = this.find(route);
    if (verb === "get") return this.render(route, object, req.headers.accept ?? "", url.searchParams);
    const written = this.patch(route, object, body, String(req.headers["content-type"] ?? ""), user);
    this.options.afterWrite?.(this, { resource: route.resource, object });
    return written;
  }

  private authorize(user: string, verb: string, route: Route): void {
    const resource = route.subresource ? `${route.resource}/${route.subresource}` : route.resource;
    const denied =
      this.forbidden.some(
        (rule) =>
          (rule.verb === "*" || rule.verb === verb) &&
          rule.resource === resource &&
          (rule.namespace === undefined || rule.namespace === route.namespace),
      ) ||
      (this.options.authorize !== undefined &&
        !this.options.authorize({
          user,
          verb,
          resource,
          apiGroup: route.type.group,
          namespace: route.namespace ?? null,
          name: route.name ?? null,
        }));
    if (!denied) return;
    const qualified = route.type.group ? `${route.resource}.${route.type.group}` : route.resource;
    const subject = route.name ? `${qualified} "${route.name}"` : qualified;
    const scope = route.namespace ? `in the namespace "${route.namespace}"` : "at the cluster scope";
    throw new HttpFailure(
      statusBody(
        403,
        "Forbidden",
        `${subject} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${route.type.group}" ${scope}`,
        { ...(route.name ? { name: route.name } : {}), group: route.type.group, kind: route.resource },
      ),
    );
  }

  private find(route: Route): StoredObject {
    const object = route.type
      .collection(this.cluster)
      .find(
        (o) =>
          o.metadata.name === route.name &&
          (!route.type.namespaced || o.metadata.namespace === route.namespace),
      );
    if (object) return object;
    const qualified = route.type.group ? `${route.resource}.${route.type.group}` : route.resource;
    throw new HttpFailure(
      statusBody(404, "NotFound", `${qualified} "${route.name}" not found`, {
        name: route.name,
        group: route.type.group,
        kind: route.resource,
      }),
    );
  }

  private list(route: Route, params: URLSearchParams, accept: string): unknown {
    const format = negotiate(accept, true);
    let labelRequirements: ReturnType<typeof parseLabelSelector>;
    let fieldRequirements: ReturnType<typeof parseFieldSelector>;
    try {
      labelRequirements = parseLabelSelector(params.get("labelSelector") ?? "");
      fieldRequirements = parseFieldSelector(params.get("fieldSelector") ?? "", route.type.fields);
    } catch (error) {
      if (error instanceof SelectorError) throw new HttpFailure(statusBody(400, "BadRequest", error.message));
      throw error;
    }
    const matching = route.type
      .collection(this.cluster)
      .filter((o) => route.namespace === undefined || o.metadata.namespace === route.namespace)
      .filter((o) => matchesLabels(labelRequirements, o.metadata.labels))
      .filter((o) => matchesFields(fieldRequirements, (field) => fieldValue(o, field)));

    const start = decodeContinue(params.get("continue"));
    const limitText = params.get("limit");
    const limit =
      limitText && /^\d+$/.test(limitText) && Number(limitText) > 0 ? Number(limitText) : undefined;
    const end = limit === undefined ? matching.length : Math.min(matching.length, start + limit);
    const page = matching.slice(start, end);
    const metadata: Record<string, unknown> = { resourceVersion: String(this.resourceVersion) };
    if (end < matching.length) {
      metadata.continue = encodeContinue(this.resourceVersion, end);
      // The API server cannot count what is left when filtering by selector, so it omits the count.
      if (labelRequirements.length === 0 && fieldRequirements.length === 0) {
        metadata.remainingItemCount = matching.length - end;
      }
    }
    const apiVersion = route.type.group ? `${route.type.group}/v1` : "v1";
    if (format.as === "Table") {
      return {
        kind: "Table",
        apiVersion: "meta.k8s.io/v1",
        metadata,
        columnDefinitions: route.type.printer.columns,
        rows: tableRows(route.type.printer, withTypeMeta(page, route), includeObjectOf(params), this.now()),
      };
    }
    if (format.as === "PartialObjectMetadataList") {
      return {
        kind: "PartialObjectMetadataList",
        apiVersion: "meta.k8s.io/v1",
        metadata,
        items: page.map((o) => ({
          kind: "PartialObjectMetadata",
          apiVersion: "meta.k8s.io/v1",
          metadata: o.metadata,
        })),
      };
    }
    return { kind: `${route.type.kind}List`, apiVersion, metadata, items: page };
  }

  private render(route: Route, object: StoredObject, accept: string, params: URLSearchParams): unknown {
    if (route.subresource === "scale") return scaleOf(object);
    const format = negotiate(accept, false);
    const [typed] = withTypeMeta([object], route);
    if (format.as === "Table") {
      return {
        kind: "Table",
        apiVersion: "meta.k8s.io/v1",
        metadata: { resourceVersion: object.metadata.resourceVersion },
        columnDefinitions: route.type.printer.columns,
        rows: tableRows(route.type.printer, [typed as StoredObject], includeObjectOf(params), this.now()),
      };
    }
    if (format.as === "PartialObjectMetadata") {
      return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: object.metadata };
    }
    return typed;
  }

  private patch(
    route: Route,
    object: StoredObject,
    body: Buffer,
    contentType: string,
    user: string,
  ): unknown {
    const patch = readMergePatch(body, contentType);
    refuseStaleVersion(route, object, patch);
    if (route.subresource === "scale") {
      const before = scaleOf(object);
      const scale = applyMergePatch(before, patch) as { spec?: { replicas?: unknown } };
      const replicas = scale.spec?.replicas;
      if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0) {
        throw new HttpFailure(
          statusBody(
            422,
            "Invalid",
            `Scale.autoscaling "${object.metadata.name}" is invalid: spec.replicas must be a non-negative integer`,
          ),
        );
      }
      this.admit(user, route, scale, before);
      object.spec = { ...(object.spec as object | undefined), replicas };
      this.touch(object);
      return scaleOf(object);
    }
    const patched = applyMergePatch(object, patch) as StoredObject;
    // Like the API server: a change to the spec is a new generation for the controller to observe.
    if (
      JSON.stringify(patched.spec) !== JSON.stringify(object.spec) &&
      object.metadata.generation !== undefined
    ) {
      patched.metadata = { ...patched.metadata, generation: object.metadata.generation + 1 };
    }
    // Identity fields cannot change through a patch.
    patched.metadata = {
      ...patched.metadata,
      name: object.metadata.name,
      namespace: object.metadata.namespace,
    };
    this.admit(user, route, withTypeMeta([patched], route)[0], withTypeMeta([object], route)[0]);
    for (const key of Object.keys(object)) delete (object as Record<string, unknown>)[key];
    Object.assign(object, patched);
    this.touch(object);
    const [typed] = withTypeMeta([object], route);
    return typed;
  }

  private admit(user: string, route: Route, object: unknown, oldObject: unknown): void {
    const denial = this.options.admit?.({
      user,
      operation: "UPDATE",
      apiGroup: route.type.group,
      resource: route.resource,
      subResource: route.subresource ?? "",
      namespace: route.namespace ?? null,
      name: route.name ?? "",
      object: structuredClone(object),
      oldObject: structuredClone(oldObject),
    });
    if (denial === null || denial === undefined) return;
    const qualified = route.type.group ? `${route.resource}.${route.type.group}` : route.resource;
    throw new HttpFailure(
      statusBody(422, "Invalid", `${qualified} "${route.name}" is invalid: ${denial}`, {
        name: route.name,
        group: route.type.group,
        kind: route.resource,
      }),
    );
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}

/** The patch body as a JSON object, in one of the two media types the simulator applies as merge patches. */
function readMergePatch(body: Buffer, contentType: string): object {
  const mediaType = contentType.split(";")[0]?.trim();
  if (
    mediaType !== "application/merge-patch+json" &&
    mediaType !== "application/strategic-merge-patch+json"
  ) {
    throw new HttpFailure(
      statusBody(
        415,
        "UnsupportedMediaType",
        `the simulator supports merge and strategic merge patches, not "${mediaType}"`,
      ),
    );
  }
  let patch: unknown;
  try {
    patch = JSON.parse(body.toString("utf8"));
  } catch {
    throw new HttpFailure(statusBody(400, "BadRequest", "the patch body is not valid JSON"));
  }
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) {
    throw new HttpFailure(statusBody(400, "BadRequest", "a merge patch must be a JSON object"));
  }
  return patch;
}

/** Optimistic concurrency: a patch naming a `resourceVersion` other than the object's gets the API's 409. */
function refuseStaleVersion(route: Route, object: StoredObject, patch: object): void {
  const wanted = (patch as { metadata?: { resourceVersion?: unknown } }).metadata?.resourceVersion;
  const qualified = route.type.group ? `${route.resource}.${route.type.group}` : route.resource;
  if (wanted !== undefined && wanted !== object.metadata.resourceVersion) {
    throw new HttpFailure(
      statusBody(
        409,
        "Conflict",
        `Operation cannot be fulfilled on ${qualified} "${object.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`,
        { name: object.metadata.name, group: route.type.group, kind: route.resource },
      ),
    );
  }
}

function notFoundPath(): HttpFailure {
  return new HttpFailure(statusBody(404, "NotFound", "the server could not find the requested resource"));
}

function withTypeMeta(objects: StoredObject[], route: Route): StoredObject[] {
  const apiVersion = route.type.group ? `${route.type.group}/v1` : "v1";
  return objects.map((o) => ({ kind: route.type.kind, apiVersion, ...o }));
}

function scaleOf(deployment: StoredObject): unknown {
  const spec = deployment.spec as
    | { replicas?: number; selector?: { matchLabels?: Record<string, string> } }
    | undefined;
  const status = deployment.status as { replicas?: number } | undefined;
  const { name, namespace, uid, resourceVersion, creationTimestamp } = deployment.metadata;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: spec?.replicas ?? 1 },
    status: {
      replicas: status?.replicas ?? 0,
      selector: Object.entries(spec?.selector?.matchLabels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(","),
    },
  };
}

function fieldValue(object: StoredObject, field: string): string {
  let value: unknown = object;
  for (const part of field.split(".")) {
    value =
      typeof value === "object" && value !== null ? (value as Record<string, unknown>)[part] : undefined;
  }
  // Unset booleans read as "false" and unset strings as "" on the server.
  if (value === undefined && (field === "spec.unschedulable" || field === "spec.hostNetwork")) return "false";
  return value === undefined || value === null ? "" : String(value);
}

function includeObjectOf(params: URLSearchParams): IncludeObject {
  const value = params.get("includeObject");
  if (value === null || value === "") return "Metadata";
  if (value === "None" || value === "Metadata" || value === "Object") return value;
  throw new HttpFailure(
    statusBody(400, "BadRequest", `includeObject must be None, Metadata or Object, got "${value}"`),
  );
}

/** Picks the first Accept alternative the server can produce, as kube-apiserver's negotiation does. */
function negotiate(
  accept: string,
  isList: boolean,
): { as?: "Table" | "PartialObjectMetadataList" | "PartialObjectMetadata" } {
  if (accept.trim() === "") return {};
  for (const alternative of accept.split(",")) {
    const [mediaType = "", ...params] = alternative.split(";").map((s) => s.trim());
    if (mediaType !== "application/json" && mediaType !== "*/*" && mediaType !== "application/*") continue;
    const values = Object.fromEntries(params.map((p) => p.split("=").map((s) => s.trim())));
    if (values.as === undefined) return {};
    if (values.g !== "meta.k8s.io" || (values.v !== "v1" && values.v !== "v1beta1")) continue;
    if (values.as === "Table") return { as: "Table" };
    if (values.as === "PartialObjectMetadataList" && isList) return { as: "PartialObjectMetadataList" };
    if (values.as === "PartialObjectMetadata" && !isList) return { as: "PartialObjectMetadata" };
  }
  throw new HttpFailure(
    statusBody(
      406,
      "NotAcceptable",
      `only the following media types are accepted: application/json, application/json;as=Table;v=v1;g=meta.k8s.io, application/json;as=PartialObjectMetadata(List);v=v1;g=meta.k8s.io`,
    ),
  );
}

function encodeContinue(resourceVersion: number, offset: number): string {
  return Buffer.from(JSON.stringify({ rv: resourceVersion, start: offset })).toString("base64url");
}

function decodeContinue(token: string | null): number {
  if (!token) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { start?: unknown };
    if (typeof parsed.start === "number" && Number.isInteger(parsed.start) && parsed.start >= 0)
      return parsed.start;
  } catch {
    // fall through to the 400 below
  }
  throw new HttpFailure(statusBody(400, "BadRequest", "continue key is not valid"));
}

export async function startKubeApiServer(options: KubeApiServerOptions): Promise<KubeApiSimulator> {
  const simulator = new KubeApiSimulator(options);
  await simulator.start();
  return simulator;
}
