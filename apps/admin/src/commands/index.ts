import type { Command } from '../command.js'
import { dbBackup } from './db-backup.js'
import { dbCheck } from './db-check.js'
import { dbMigrate } from './db-migrate.js'
import { usersImport } from './users-import.js'
import { usersList } from './users-list.js'
import { usersPromote } from './users-promote.js'
import { usersResetPassword } from './users-reset-password.js'
import { usersSuspend } from './users-suspend.js'
import { usersUnsuspend } from './users-unsuspend.js'

/** Every command; a new one is a file in this folder plus a line here. */
export const commands: readonly Command[] = [
  usersImport,
  usersList,
  usersPromote,
  usersSuspend,
  usersUnsuspend,
  usersResetPassword,
  dbMigrate,
  dbCheck,
  dbBackup,
]
