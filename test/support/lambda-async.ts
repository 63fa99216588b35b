/**
 * Lambda's asynchronous invocation as the drills need it: an event is tried once and retried twice; when every
 * attempt fails it is parked in the function's on-failure queue. Nothing is lost as long as it lands there.
 */
export const LAMBDA_ASYNC_ATTEMPTS = 3;

export async function invokeAsync(
  invoke: () => Promise<unknown>,
): Promise<{ parked: boolean; attempts: number }> {
  for (let attempt = 1; attempt <= LAMBDA_ASYNC_ATTEMPTS; attempt++) {
    try {
      await invoke();
      return { parked: false, attempts: attempt };
    } catch {
      // Lambda retries after a delay; the drills do not wait for it.
    }
  }
  return { parked: true, attempts: LAMBDA_ASYNC_ATTEMPTS };
}
