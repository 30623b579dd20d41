/**
 * HTTP-date (RFC 9110 §5.6.7): formatting as IMF-fixdate and strict parsing of the three formats a
 * recipient must accept. `Date.parse` alone is too lenient (it takes `2024` or `tomorrow`-like strings),
 * and a bogus date in a conditional header must be ignored rather than guessed at.
 * @module
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const MONTH = `(${MONTHS.join('|')})`

const IMF_FIXDATE = new RegExp(
  `^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\\d{2}) ${MONTH} (\\d{4}) (\\d{2}):(\\d{2}):(\\d{2}) GMT$`,
)
const RFC850 = new RegExp(
  `^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\\d{2})-${MONTH}-(\\d{2}) (\\d{2}):(\\d{2}):(\\d{2}) GMT$`,
)
const ASCTIME = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ${MONTH} ([ \\d]\\d) (\\d{2}):(\\d{2}):(\\d{2}) (\\d{4})$`)

/** Whole seconds: HTTP dates carry no fractions, so validators compare at this resolution. */
export function toWholeSecondMs(ms: number): number {
  return Math.floor(ms / 1000) * 1000
}

/** `Sun, 06 Nov 1994 08:49:37 GMT` for a time in milliseconds (fractions dropped). */
export function formatHttpDate(ms: number): string {
  return new Date(toWholeSecondMs(ms)).toUTCString()
}

function utc(year: number, month: string, day: number, h: number, m: number, s: number): number | null {
  const monthIndex = MONTHS.indexOf(month)
  if (day < 1 || day > 31 || h > 23 || m > 59 || s > 60) return null
  const ms = Date.UTC(year, monthIndex, day, h, m, Math.min(s, 59))
  // Reject impossible days (31 Feb) instead of letting Date roll them into the next month.
  return new Date(ms).getUTCDate() === day ? ms : null
}

/** Milliseconds since the epoch, or null when the value is not an HTTP-date. */
export function parseHttpDate(value: string | undefined): number | null {
  if (value === undefined) return null
  const text = value.trim()
  let match = IMF_FIXDATE.exec(text)
  if (match)
    return utc(Number(match[3]), match[2]!, Number(match[1]), Number(match[4]), Number(match[5]), Number(match[6]))
  match = RFC850.exec(text)
  if (match) {
    // Two-digit years: RFC 9110 says a year that looks more than 50 years in the future is in the past.
    const twoDigit = Number(match[3])
    const thisYear = new Date().getUTCFullYear()
    let year = Math.floor(thisYear / 100) * 100 + twoDigit
    if (year > thisYear + 50) year -= 100
    return utc(year, match[2]!, Number(match[1]), Number(match[4]), Number(match[5]), Number(match[6]))
  }
  match = ASCTIME.exec(text)
  if (match)
    return utc(Number(match[6]), match[1]!, Number(match[2]), Number(match[3]), Number(match[4]), Number(match[5]))
  return null
}
