/** `pnpm parley`: the database the servers use, and their password rule. */
import type { Static } from 'typebox'
import { passwordSettings } from '../concerns/auth.js'
import { storageSettings } from '../concerns/storage.js'
import { combine } from '../define.js'

export const adminSettings = combine(storageSettings, passwordSettings)
export type AdminSettings = Static<typeof adminSettings.schema>
