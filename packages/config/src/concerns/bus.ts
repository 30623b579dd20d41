/** The bus between boards and gateways: Redis when set, else in-process (one process per app). */
import { Type } from 'typebox'
import { defineSettings } from '../define.js'

export const DEFAULT_BUS_PREFIX = 'parley:'

export const busSettings = defineSettings(
  {
    /** Redis for the bus (and the gateways' shared directory); unset = one process per app, in-process bus. */
    redisUrl: Type.Optional(Type.String({ pattern: '^rediss?://' })),
    /** Channel and key prefix in Redis: one per deployment sharing a Redis. */
    busPrefix: Type.String({ pattern: '^[A-Za-z0-9:._-]{0,100}$' }),
  },
  {
    redisUrl: {
      env: 'REDIS_URL',
      read: 'string',
      secret: true,
      shown: 'unset: in-process bus (one process per app only)',
      doc: 'Redis between instances (see [docs/deploy.md](docs/deploy.md))',
      deploy:
        '`redis://:password@redis.internal:6379/0` or `rediss://…`. Required as soon as there are two boards or two gateways: without it each instance only hears itself. Never shown in logs or errors.',
    },
    busPrefix: {
      env: 'BUS_PREFIX',
      read: 'string',
      emptyIsValue: true,
      default: DEFAULT_BUS_PREFIX,
      shown: '`parley:`',
      doc: 'channel and key prefix in Redis',
      deploy:
        'Channel and key prefix; give each deployment sharing one Redis its own (`parley-staging:`). Boards and gateways of one deployment must use the same.',
    },
  },
)
