import http from "node:http";
import https from "node:https";
import { gunzipSync } from "node:zlib";
import { logger } from "../logger.ts";
import {
  KubeApiError,
  KubeConnectionError,
  KubeCredentialsError,
  KubeTimeoutError,
  KubeUnauthorizedError,
  kubeErrorForStatus,
} from "./errors.ts";
import type { KubeApi, KubeGetOptions, KubePatchOptions, KubeTrafficStats } from "./kube-api.ts";
import { isStatus, KubeAccept, type Status } from "./kube-objects.ts";

export const KubeClientDefaults = {
  timeoutMs: 5_000,
  /** A 5,000-node NodeList is ~35 MiB of JSON; far beyond that is a mistake that would exhaust Lambda memory. */
  maxResponseBytes: 256 * 1024 * 1024,
} as const;

/** Returns a bearer token; `forceRefresh` is set after a 401 so a cached token is replaced once. */
export type TokenProvider = (options?: { forceRefresh?: boolean }) => Promise<string>;

export interface ClientCertificate {
  /** PEM certificate (chain). */
  cert: string;
  /** PEM private key. */
  key: string;
}

/** What an exec credential plugin may hand back: a token, or a client certificate. */
export type KubeCredentials = { token: string } | ClientCertificate;
export type CredentialsProvider = (options?: { forceRefresh?: boolean }) => Promise<KubeCredentials>;

export type KubeAuth =
  | { type: "none" }
  /** `refreshable: false` for a fixed token, so a 401 is not retried with the same one. */
  | { type: "bearer"; token: TokenProvider; refreshable?: boolean }
  | { type: "client-certificate"; cert: string; key: string }
  /** Credentials decided at request time (exec plugins, which may return either form). */
  | { type: "dynamic"; credentials: CredentialsProvider };

export interface HttpKubeClientOptions {
  /** https://ABC.gr7.us-east-1.eks.amazonaws.com, optionally with a path prefix for proxies. */
  server: string;
  /** PEM CA bundle(s) to trust instead of the system roots. */
  ca?: string | string[];
  insecureSkipTlsVerify?: boolean;
  /** Name to verify the server certificate against (and send as SNI) when it differs from the URL host. */
  tlsServerName?: string;
  auth: KubeAuth;
  /** Whole-request deadline (connect, headers and body). */
  timeoutMs?: number;
  /** Ask for gzip; the API server compresses large list responses, which matters for 5,000-node clusters. */
  compression?: boolean;
  /** Largest (decompressed) response body accepted. */
  maxResponseBytes?: number;
}

interface RawResponse {
  statusCode: number;
  body: Buffer;
}

/** What a request sends besides method and URL. */
interface OutgoingRequest {
  accept: string;
  contentType?: string;
  body?: Buffer;
}

/** Settles a request once: the first outcome wins (a timeout, an error, or the response). */
type Finish = (outcome: { error: Error } | { response: RawResponse }) => void;

/**
 * A KubeApi over node:http(s). One keep-alive agent per credential set so warm Lambda invocations reuse the
 * TLS connection. Bytes counted are the bytes on the wire (compressed when the server compressed).
 */
export class HttpKubeClient implements KubeApi {
  readonly stats: KubeTrafficStats = { requests: 0, bytes: 0 };
  private readonly base: URL;
  private readonly timeoutMs: number;
  private readonly agents = new Map<string, http.Agent>();

  constructor(private readonly options: HttpKubeClientOptions) {
    let base: URL;
    try {
      base = new URL(options.server);
    } catch (error) {
      throw new KubeConnectionError(
        {
          method: "-",
          path: "-",
          server: String(options.server),
          reason: "the server URL is not a valid URL",
        },
        error,
      );
    }
    if (base.protocol !== "https:" && base.protocol !== "http:") {
      throw new KubeConnectionError({
        method: "-",
        path: "-",
        server: base.origin,
        reason: `unsupported protocol ${base.protocol}`,
      });
    }
    this.base = base;
    this.timeoutMs = options.timeoutMs ?? KubeClientDefaults.timeoutMs;
  }

  get<T = unknown>(path: string, options: KubeGetOptions = {}): Promise<T> {
    return this.request<T>("GET", path, options.query, { accept: options.accept ?? KubeAccept.json });
  }

  patch<T = unknown>(path: string, body: unknown, options: KubePatchOptions): Promise<T> {
    return this.request<T>("PATCH", path, undefined, {
      accept: KubeAccept.json,
      contentType: options.contentType,
      body: Buffer.from(JSON.stringify(body)),
    });
  }

  /** Closes idle keep-alive sockets (tests, CLI exit). */
  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }

  private async request<T>(
    method: string,
    path: string,
    query: Record<string, string | undefined> | undefined,
    send: OutgoingRequest,
  ): Promise<T> {
    const url = this.urlFor(path, query);
    const shownPath = url.pathname.slice(this.basePathLength()) + url.search;
    let response = await this.sendOnLiveSocket(method, url, shownPath, send, false);
    if (response.statusCode === 401 && this.canRefresh()) {
      // A cached token may have expired between our check and the server's; get a fresh one once.
      response = await this.sendOnLiveSocket(method, url, shownPath, send, true);
    }
    return this.parse<T>(method, shownPath, response);
  }

  /**
   * A kept-alive socket may have been closed by the server while idle (a Lambda container frozen between
   * invocations); the request then fails before the server saw it, so it is sent once more on a new socket.
   */
  private async sendOnLiveSocket(
    method: string,
    url: URL,
    shownPath: string,
    send: OutgoingRequest,
    forceRefresh: boolean,
  ): Promise<RawResponse> {
    try {
      return await this.send(method, url, shownPath, send, forceRefresh);
    } catch (error) {
      if (error instanceof KubeConnectionError && error.reusedSocket) {
        logger.debug("kube api retrying on a fresh connection", {
          method,
          path: shownPath,
          code: error.code,
        });
        return this.send(method, url, shownPath, send, forceRefresh);
      }
      throw error;
    }
  }

  private urlFor(path: string, query: Record<string, string | undefined> | undefined): URL {
    const url = new URL(this.base.href);
    const [pathOnly = "", inlineQuery] = path.split("?", 2);
    url.pathname = `${this.base.pathname.replace(/\/$/, "")}${pathOnly.startsWith("/") ? pathOnly : `/${pathOnly}`}`;
    url.search = inlineQuery ?? "";
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== "") url.searchParams.set(key, value);
    }
    return url;
  }

  private basePathLength(): number {
    return this.base.pathname.replace(/\/$/, "").length;
  }

  private canRefresh(): boolean {
    const auth = this.options.auth;
    return (auth.type === "bearer" && auth.refreshable !== false) || auth.type === "dynamic";
  }

  private async credentials(
    method: string,
    shownPath: string,
    forceRefresh: boolean,
  ): Promise<{ token?: string; cert?: ClientCertificate }> {
    const auth = this.options.auth;
    try {
      switch (auth.type) {
        case "none":
          return {};
        case "bearer":
          return { token: await auth.token({ forceRefresh }) };
        case "client-certificate":
          return { cert: { cert: auth.cert, key: auth.key } };
        case "dynamic": {
          const credentials = await auth.credentials({ forceRefresh });
          return "token" in credentials ? { token: credentials.token } : { cert: credentials };
        }
      }
    } catch (error) {
      if (error instanceof KubeCredentialsError) throw error;
      throw new KubeCredentialsError(
        `Could not obtain Kubernetes credentials for ${method} ${shownPath}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  private agentFor(cert: ClientCertificate | undefined): http.Agent {
    // Keyed by the certificate itself: an exec plugin may rotate it, and the key must match the cert.
    const id = cert ? cert.cert : "";
    let agent = this.agents.get(id);
    if (agent) return agent;
    if (this.base.protocol === "http:") {
      agent = new http.Agent({ keepAlive: true });
    } else {
      agent = new https.Agent({
        keepAlive: true,
        ca: this.options.ca,
        rejectUnauthorized: !this.options.insecureSkipTlsVerify,
        servername: this.options.tlsServerName,
        cert: cert?.cert,
        key: cert?.key,
      });
    }
    this.agents.set(id, agent);
    return agent;
  }

  private async send(
    method: string,
    url: URL,
    shownPath: string,
    send: OutgoingRequest,
    forceRefresh: boolean,
  ): Promise<RawResponse> {
    const { token, cert } = await this.credentials(method, shownPath, forceRefresh);
    const headers = this.headersFor(send, token);
    const transport = url.protocol === "https:" ? https : http;
    const started = Date.now();
    this.stats.requests += 1;

    return new Promise<RawResponse>((resolve, reject) => {
      let settled = false;
      const finish: Finish = (outcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if ("error" in outcome) reject(outcome.error);
        else resolve(outcome.response);
      };
      const request = transport.request(url, {
        method,
        headers,
        agent: this.agentFor(cert),
        // With tls-server-name the certificate is checked against that name rather than the URL host.
        ...(url.protocol === "https:" && this.options.tlsServerName
          ? { servername: this.options.tlsServerName }
          : {}),
      });
      const timer = setTimeout(() => {
        finish({ error: new KubeTimeoutError({ method, path: shownPath, timeoutMs: this.timeoutMs }) });
        request.destroy();
      }, this.timeoutMs);
      request.on("response", (response) =>
        this.readResponse(response, { request, method, shownPath, started, finish }),
      );
      request.on("error", (error) => {
        const failure = this.connectionError(method, shownPath, error);
        failure.reusedSocket = request.reusedSocket && ["ECONNRESET", "EPIPE"].includes(failure.code ?? "");
        finish({ error: failure });
      });
      request.end(send.body);
    });
  }

  private headersFor(send: OutgoingRequest, token: string | undefined): Record<string, string | number> {
    const headers: Record<string, string | number> = {
      Accept: send.accept,
      "User-Agent": "linklocal-sentinel",
    };
    if (this.options.compression !== false) headers["Accept-Encoding"] = "gzip";
    if (token) headers.Authorization = `Bearer ${token}`;
    if (send.body) {
      headers["Content-Type"] = send.contentType ?? "application/json";
      headers["Content-Length"] = send.body.length;
    }
    return headers;
  }

  /** Collects the body up to maxResponseBytes (compressed and after gunzip), then finishes with it or the error. */
  private readResponse(
    response: http.IncomingMessage,
    context: {
      request: http.ClientRequest;
      method: string;
      shownPath: string;
      started: number;
      finish: Finish;
    },
  ): void {
    const { request, method, shownPath, started, finish } = context;
    const maxBytes = this.options.maxResponseBytes ?? KubeClientDefaults.maxResponseBytes;
    const chunks: Buffer[] = [];
    let received = 0;
    response.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      this.stats.bytes += chunk.length;
      if (received > maxBytes) {
        finish({ error: this.tooLarge(method, shownPath, maxBytes) });
        request.destroy();
      }
    });
    response.on("error", (error) => finish({ error: this.connectionError(method, shownPath, error) }));
    response.on("aborted", () =>
      finish({ error: this.connectionError(method, shownPath, new Error("response aborted")) }),
    );
    response.on("end", () => {
      let body = Buffer.concat(chunks);
      if (response.headers["content-encoding"] === "gzip") {
        try {
          body = gunzipSync(body, { maxOutputLength: maxBytes });
        } catch (error) {
          const tooLarge = (error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE";
          finish({
            error: tooLarge
              ? this.tooLarge(method, shownPath, maxBytes)
              : this.connectionError(method, shownPath, error as Error),
          });
          return;
        }
      }
      logger.debug("kube api request", {
        method,
        path: shownPath,
        statusCode: response.statusCode,
        bytes: body.length,
        ms: Date.now() - started,
      });
      finish({ response: { statusCode: response.statusCode ?? 0, body } });
    });
  }

  private tooLarge(method: string, shownPath: string, maxBytes: number): KubeApiError {
    return new KubeApiError(
      `Kubernetes API response to ${method} ${shownPath} exceeds ${maxBytes} bytes; use a selector, limit or the Table form`,
      { method, path: shownPath },
    );
  }

  private connectionError(method: string, shownPath: string, error: Error): KubeConnectionError {
    const code = (error as NodeJS.ErrnoException).code;
    return new KubeConnectionError(
      { method, path: shownPath, server: this.base.origin, reason: describeNetworkError(error), code },
      error,
    );
  }

  private parse<T>(method: string, shownPath: string, response: RawResponse): T {
    const text = response.body.toString("utf8");
    let json: unknown;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    const status = isStatus(json) ? (json as Status) : undefined;
    if (response.statusCode >= 200 && response.statusCode < 300) {
      if (json === undefined) {
        throw new KubeApiError(
          `Kubernetes API answered ${method} ${shownPath} with HTTP ${response.statusCode} but the body is not JSON`,
          { method, path: shownPath, statusCode: response.statusCode },
        );
      }
      return json as T;
    }
    const failure = { method, path: shownPath, statusCode: response.statusCode, status };
    const error = kubeErrorForStatus(failure);
    if (error instanceof KubeUnauthorizedError)
      logger.warn("kube api unauthorized", { method, path: shownPath });
    throw error;
  }
}

const tlsReasons: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server certificate is not signed by a trusted CA",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the server certificate is not signed by a trusted CA",
  SELF_SIGNED_CERT_IN_CHAIN: "the server certificate chain ends in an untrusted self-signed CA",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server certificate is self-signed and not trusted",
  CERT_HAS_EXPIRED: "the server certificate has expired",
  ERR_TLS_CERT_ALTNAME_INVALID: "the server certificate does not match the host name",
};

function describeNetworkError(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code && code in tlsReasons) {
    return `TLS verification failed: ${tlsReasons[code]} (${code}); check certificate-authority, tls-server-name or the server URL`;
  }
  if (code === "ECONNREFUSED") return "connection refused (ECONNREFUSED)";
  if (code === "ENOTFOUND") return "host name not found (ENOTFOUND)";
  if (code === "ECONNRESET") return "connection reset by the server (ECONNRESET)";
  if (code === "EPROTO" || code?.startsWith("ERR_SSL"))
    return `TLS handshake failed (${code}): ${error.message}`;
  return code ? `${error.message} (${code})` : error.message;
}

export function createHttpKubeClient(options: HttpKubeClientOptions): HttpKubeClient {
  return new HttpKubeClient(options);
}
