/**
 * What every admin page shows besides its own content: the admin navigation with the number of
 * open reports.
 * @module
 */
import type { Storage } from '@parley/storage'

export interface AdminNav {
  openReports: number
}

export async function adminNav(storage: Storage): Promise<AdminNav> {
  return { openReports: await storage.reports.countOpen() }
}
