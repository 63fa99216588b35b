/**
 * Text hygiene every reader shares, so later stages (SNS attributes, Slack, PagerDuty) only ever see
 * well-formed strings and plain data objects.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Replaces lone UTF-16 surrogates (from a `\ud800` escape) with U+FFFD. Left in, they make
 * `encodeURIComponent` throw in the SDK's query serializer and corrupt JSON sent to Slack or PagerDuty.
 */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, "\uFFFD");
}

/**
 * Sets `key` as an own data property. Plain assignment (`out[key] = v`) on `__proto__` changes the
 * prototype instead, silently losing a label of that name.
 */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Whether `key` is an own property: `in` and `obj[key]` also see `constructor` and `toString`. */
export function hasOwn(target: object, key: string): boolean {
  return Object.hasOwn(target, key);
}
