/**
 * The Prometheus listener, one pattern for every app: `<APP>_METRICS_PORT` (a port, or `off`),
 * `<APP>_METRICS_HOST` and `<APP>_METRICS_TOKEN`.
 */
import { isLoopbackHost, MIN_METRICS_TOKEN_LENGTH } from '@parley/metrics'
import { Type } from 'typebox'
import { defineSettings } from '../define.js'

export function metricsSettings(app: 'BOARD' | 'CHAT', label: string, formerly: 'METRICS' | null) {
  const former = (suffix: string) => (formerly ? { formerly: [`${formerly}_${suffix}`] } : {})
  return defineSettings(
    {
      /** Port of the separate Prometheus `/metrics` listener (0: any free port); absent: no metrics listener. */
      metricsPort: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
      /** Where the metrics listener binds: loopback by default; anything else needs `metricsToken` (and gets TLS). */
      metricsHost: Type.String({ minLength: 1 }),
      /** When set, scrapes need `Authorization: Bearer <token>`. */
      metricsToken: Type.Optional(Type.String({ minLength: MIN_METRICS_TOKEN_LENGTH, pattern: '^\\S+$' })),
    },
    {
      metricsPort: {
        env: `${app}_METRICS_PORT`,
        ...former('PORT'),
        read: 'port-or-off',
        shown: 'unset (or `off`): no metrics listener',
        doc: `port of the ${label}'s Prometheus \`/metrics\` listener (0: any free port)`,
        deploy: `Prometheus \`/metrics\` of the ${label} on its own port. See "Metrics".`,
      },
      metricsHost: {
        env: `${app}_METRICS_HOST`,
        ...former('HOST'),
        read: 'string',
        default: '127.0.0.1',
        shown: '`127.0.0.1`',
        doc: `where the ${label}'s metrics listener binds; beyond loopback it needs a token and speaks TLS`,
        deploy: `Off loopback a token is required and the ${label}'s listener speaks TLS with \`CERTS_DIR\`'s certificate.`,
      },
      metricsToken: {
        env: `${app}_METRICS_TOKEN`,
        ...former('TOKEN'),
        read: 'string',
        secret: true,
        shown: 'none',
        doc: `bearer token scrapes of the ${label} must send (${MIN_METRICS_TOKEN_LENGTH}+ characters, no spaces)`,
      },
    },
    [
      (values, name) =>
        values.metricsToken === undefined && !isLoopbackHost(String(values.metricsHost))
          ? [
              `${name('metricsHost')} ${JSON.stringify(values.metricsHost)} is not loopback: set ${name('metricsToken')} (at least ${MIN_METRICS_TOKEN_LENGTH} characters) too`,
            ]
          : [],
    ],
  )
}
