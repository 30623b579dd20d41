/**
 * The numbered migrations, oldest first. Append only: never edit or renumber one that has shipped;
 * each entry carries its SQLite and PostgreSQL text side by side so both backends stay in step.
 * @module
 */
import { accounts } from './001-accounts.js'
import { boardAndChat } from './002-board-and-chat.js'
import { moderation } from './003-moderation.js'
import { accountHardening } from './004-account-hardening.js'
import { replies } from './005-replies.js'
import { search } from './006-search.js'
import { notifications } from './007-notifications.js'
import { attachments } from './008-attachments.js'
import type { Migration } from './types.js'

export type { Migration } from './types.js'

export const migrations: readonly Migration[] = [
  accounts,
  boardAndChat,
  moderation,
  accountHardening,
  replies,
  search,
  notifications,
  attachments,
]

export const latestSchemaVersion = migrations.reduce((max, migration) => Math.max(max, migration.version), 0)
