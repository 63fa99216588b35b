import { SentinelError } from "../errors.ts";
import type { Status } from "./kube-objects.ts";

/**
 * Failures talking to the Kubernetes API. Each names the method and path; none carries the bearer token,
 * the client key or the request body. Callers branch on the class (the scaler retries a Conflict, enrichment
 * reports a Forbidden with the missing RBAC rule).
 */
export class KubeApiError extends SentinelError {
  readonly method: string;
  readonly path: string;
  /** HTTP status, or undefined when no response came back. */
  readonly statusCode: number | undefined;
  /** The Kubernetes Status body when the server sent one. */
  readonly status: Status | undefined;

  constructor(
    message: string,
    details: { method: string; path: string; statusCode?: number; status?: Status },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "KubeApiError";
    this.method = details.method;
    this.path = details.path;
    this.statusCode = details.statusCode;
    this.status = details.status;
  }
}

export interface KubeResponseFailure {
  method: string;
  path: string;
  statusCode: number;
  status?: Status;
}

/** 401: no credentials, or expired/invalid ones (an EKS token older than 15 minutes, a revoked token). */
export class KubeUnauthorizedError extends KubeApiError {
  constructor(failure: KubeResponseFailure) {
    super(
      `Kubernetes API rejected the credentials (401 Unauthorized) for ${failure.method} ${failure.path}; ` +
        "check the token, the client certificate, or that the IAM role has an EKS access entry",
      failure,
    );
    this.name = "KubeUnauthorizedError";
  }
}

/** 403: authenticated but RBAC does not allow it. The server's message names verb, resource and scope. */
export class KubeForbiddenError extends KubeApiError {
  constructor(failure: KubeResponseFailure) {
    const detail = failure.status?.message ? `: ${failure.status.message}` : "";
    super(`Kubernetes API forbade ${failure.method} ${failure.path} (403 Forbidden)${detail}`, failure);
    this.name = "KubeForbiddenError";
  }
}

export class KubeNotFoundError extends KubeApiError {
  constructor(failure: KubeResponseFailure) {
    const detail = failure.status?.message ? `: ${failure.status.message}` : "";
    super(`Kubernetes API has no ${failure.path} (404 Not Found)${detail}`, failure);
    this.name = "KubeNotFoundError";
  }
}

/** 409: a write carried a stale resourceVersion (optimistic concurrency); re-read and retry. */
export class KubeConflictError extends KubeApiError {
  constructor(failure: KubeResponseFailure) {
    const detail = failure.status?.message ? `: ${failure.status.message}` : "";
    super(
      `Kubernetes API reported a conflict on ${failure.method} ${failure.path} (409 Conflict)${detail}`,
      failure,
    );
    this.name = "KubeConflictError";
  }
}

/** 5xx and any other unexpected status. */
export class KubeServerError extends KubeApiError {
  constructor(failure: KubeResponseFailure) {
    const detail = failure.status?.message ? `: ${failure.status.message}` : "";
    super(
      `Kubernetes API failed ${failure.method} ${failure.path} with HTTP ${failure.statusCode}${detail}`,
      failure,
    );
    this.name = "KubeServerError";
  }
}

export class KubeTimeoutError extends KubeApiError {
  readonly timeoutMs: number;
  constructor(details: { method: string; path: string; timeoutMs: number }) {
    super(
      `Kubernetes API did not answer ${details.method} ${details.path} within ${details.timeoutMs} ms`,
      details,
    );
    this.name = "KubeTimeoutError";
    this.timeoutMs = details.timeoutMs;
  }
}

/** Connection refused, DNS failure, reset, TLS verification failure, a body that is not JSON. */
export class KubeConnectionError extends KubeApiError {
  readonly code: string | undefined;
  /** The failure hit a kept-alive socket the server had closed; safe to send again on a new one. */
  reusedSocket = false;
  constructor(
    details: { method: string; path: string; server: string; reason: string; code?: string },
    cause?: unknown,
  ) {
    super(
      `Kubernetes API at ${details.server} unreachable for ${details.method} ${details.path}: ${details.reason}`,
      details,
      {
        cause,
      },
    );
    this.name = "KubeConnectionError";
    this.code = details.code;
  }
}

/** Credentials could not be obtained at all (exec plugin failed, token file unreadable, AWS credentials missing). */
export class KubeCredentialsError extends SentinelError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "KubeCredentialsError";
  }
}

/** A kubeconfig that cannot be read or does not name what we need. */
export class KubeconfigError extends SentinelError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "KubeconfigError";
  }
}

/** DescribeCluster failed or returned no endpoint/CA. */
export class EksClusterError extends SentinelError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "EksClusterError";
  }
}

/** Maps an HTTP error status to its typed error. */
export function kubeErrorForStatus(failure: KubeResponseFailure): KubeApiError {
  switch (failure.statusCode) {
    case 401:
      return new KubeUnauthorizedError(failure);
    case 403:
      return new KubeForbiddenError(failure);
    case 404:
      return new KubeNotFoundError(failure);
    case 409:
      return new KubeConflictError(failure);
    default:
      return new KubeServerError(failure);
  }
}
