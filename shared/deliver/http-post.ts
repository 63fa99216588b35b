/**
 * A JSON POST with a timeout and no redirects, for sinks that do not come with a client library.
 * Errors are thrown as they come from fetch; callers classify and redact them.
 */
export interface HttpAnswer {
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: string;
}

export async function postJson(
  url: string,
  body: string,
  options: { timeoutMs: number; headers?: Record<string, string> },
): Promise<HttpAnswer> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...options.headers },
    body,
    redirect: "manual",
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  // The body read is covered by the same timeout signal. A 2xx status already means delivered: a body that
  // stalls after it must not turn into a retry that sends the event again.
  let answerBody = "";
  try {
    answerBody = await response.text();
  } catch (error) {
    if (!response.ok) throw error;
  }
  return { status: response.status, headers, body: answerBody };
}
