/**
 * Folders of the board package, resolved from this module so they are right both when running the
 * TypeScript sources (src/) and the build (dist/): both sit one level below the package root.
 * @module
 */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const packageRoot = fileURLToPath(new URL('..', import.meta.url))
export const viewsDir = join(packageRoot, 'views')
export const publicDir = join(packageRoot, 'public')
