/** Reading untrusted names into plain data objects: own properties only. */

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
