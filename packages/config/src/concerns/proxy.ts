/** Which reverse proxies may name the client in X-Forwarded-For. */
import proxyaddr from '@fastify/proxy-addr'
import { Type } from 'typebox'
import { defineSettings } from '../define.js'

/** Trusting every address would let anyone reaching the app directly pick their own IP. */
const TRUST_EVERYONE = new Set(['true', '*', 'all', '0.0.0.0/0', '::/0', '::0/0'])

/** The problem with a TRUST_PROXY list, checked the way Fastify will read it (proxy-addr). */
export function trustProxyProblem(list: readonly string[]): string | undefined {
  const everyone = list.find((entry) => TRUST_EVERYONE.has(entry.toLowerCase()))
  if (everyone !== undefined) return `must list the proxies' addresses or ranges, not ${JSON.stringify(everyone)}`
  try {
    proxyaddr.compile([...list])
  } catch (cause) {
    return (cause as Error).message
  }
  return undefined
}

export const proxySettings = defineSettings(
  {
    /**
     * Addresses or CIDR ranges of reverse proxies (nginx) whose X-Forwarded-For names the client
     * (Fastify `trustProxy`). Unset: the socket's address is the client's. Never "everything".
     */
    trustProxy: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1 })),
  },
  {
    trustProxy: {
      env: 'TRUST_PROXY',
      read: 'list',
      validate: trustProxyProblem,
      shown: 'unset: trust no proxy',
      doc: 'addresses or ranges of the reverse proxies whose `X-Forwarded-For` names the client',
      deploy:
        'The address(es) or ranges of nginx, comma- or space-separated, e.g. `10.0.1.5` or `10.0.1.0/28` (`true`, `*` and `0.0.0.0/0` are refused at start-up), so the apps take the client address from `X-Forwarded-For`. See below.',
    },
  },
)
