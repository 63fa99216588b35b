/**
 * Alertmanager times reach us in two spellings: RFC 3339 from the webhook JSON, and Go's
 * `time.Time.String()` (`2006-01-02 15:04:05.999999999 -0700 MST`) when a template prints `.StartsAt`.
 * Both normalise to RFC 3339 UTC; Go's zero time (year 1) means "not set" and becomes null.
 */

const GO_TIME =
  /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))? ([+-])(\d{2})(\d{2})(?: [A-Za-z0-9+-]+)?(?: m=[+-]\d+(?:\.\d+)?)?$/;
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

export type TimeParse = { ok: true; value: string | null } | { ok: false; reason: string };

export function normaliseAlertTime(text: string | null | undefined): TimeParse {
  if (text === null || text === undefined) return { ok: true, value: null };
  const trimmed = text.trim();
  if (trimmed === "") return { ok: true, value: null };

  const go = GO_TIME.exec(trimmed);
  if (go) {
    const [, y, mo, d, h, mi, s, frac, sign, oh, om] = go;
    return build(y, mo, d, h, mi, s, frac, sign === "-" ? -1 : 1, oh, om);
  }
  const rfc = RFC3339.exec(trimmed);
  if (rfc) {
    const [, y, mo, d, h, mi, s, frac, zulu, sign, oh, om] = rfc;
    if (zulu) return build(y, mo, d, h, mi, s, frac, 1, "00", "00");
    return build(y, mo, d, h, mi, s, frac, sign === "-" ? -1 : 1, oh, om);
  }
  return { ok: false, reason: `unrecognised time "${trimmed.slice(0, 60)}"` };
}

function build(
  y = "",
  mo = "",
  d = "",
  h = "",
  mi = "",
  s = "",
  frac: string | undefined,
  sign: 1 | -1,
  oh = "00",
  om = "00",
): TimeParse {
  const year = Number(y);
  // Go's zero time is year 1; anything before the Unix era is a "not set" sentinel in practice.
  if (year <= 1) return { ok: true, value: null };
  const [month, day, hour, minute, second] = [Number(mo), Number(d), Number(h), Number(mi), Number(s)];
  const calendarDay = utcDate(year, month, day, 0, 0, 0, 0);
  if (month < 1 || month > 12 || calendarDay.getUTCDate() !== day || hour > 23 || minute > 59 || second > 60)
    return { ok: false, reason: `invalid date-time ${y}-${mo}-${d} ${h}:${mi}:${s}` };
  const millis = frac ? Number(frac.padEnd(3, "0").slice(0, 3)) : 0;
  const offsetMinutes = sign * (Number(oh) * 60 + Number(om));
  const date = new Date(
    utcDate(year, month, day, hour, minute, second, millis).getTime() - offsetMinutes * 60_000,
  );
  return { ok: true, value: date.toISOString() };
}

// Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not.
function utcDate(
  year: number,
  month: number,
  day: number,
  h: number,
  m: number,
  s: number,
  ms: number,
): Date {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(h, m, s, ms);
  return date;
}
