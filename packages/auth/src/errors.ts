import { ErrorCode, ParleyError } from '@parley/protocol'

export function invalidCredentials(): ParleyError {
  return new ParleyError(ErrorCode.InvalidCredentials, 'Wrong username or password')
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000))
}

export function locked(retryAfterMs: number, maxFailures: number): ParleyError {
  return new ParleyError(
    ErrorCode.Locked,
    `Account blocked after ${maxFailures} failed logins: try again in ${seconds(retryAfterMs)} s`,
    { retryAfterMs },
  )
}

/** Earlier guesses at this account are still being checked; one of them may lock it. */
export function busy(retryAfterMs: number): ParleyError {
  return new ParleyError(ErrorCode.Locked, `Too many login attempts at once: try again in ${seconds(retryAfterMs)} s`, {
    retryAfterMs,
  })
}

export function nowLocked(retryAfterMs: number, maxFailures: number): ParleyError {
  return new ParleyError(
    ErrorCode.NowLocked,
    `Wrong username or password. Account blocked after ${maxFailures} failed logins: try again in ${seconds(retryAfterMs)} s`,
    { retryAfterMs },
  )
}

export function suspended(until: number): ParleyError {
  const forGood = until >= Number.MAX_SAFE_INTEGER
  return new ParleyError(
    ErrorCode.Suspended,
    forGood ? 'This account is suspended' : `This account is suspended until ${new Date(until).toISOString()}`,
    { until, permanent: forGood },
  )
}

export function usernameTaken(): ParleyError {
  return new ParleyError(ErrorCode.UsernameTaken, 'Username is already taken')
}

/** A new name that looks like an existing account's (Unicode TS #39 skeleton), which is named. */
export function usernameConfusable(similarTo: string): ParleyError {
  return new ParleyError(
    ErrorCode.UsernameConfusable,
    `Username looks too much like the existing account "${similarTo}"; choose another`,
    { similarTo },
  )
}
