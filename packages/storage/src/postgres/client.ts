import type pg from 'pg'
import { StorageError, StorageErrorCode } from '../errors.js'
import { toStorageError } from './errors.js'

/** What store code needs from a connection: parameterised queries returning typed rows. */
export interface Queryable {
  query<R extends pg.QueryResultRow>(sql: string, params?: readonly unknown[]): Promise<R[]>
  /** Like `query`, returning the affected row count instead. */
  execute(sql: string, params?: readonly unknown[]): Promise<number>
}

export interface PgDb extends Queryable {
  /** Runs `work` in one transaction on one pooled connection: COMMIT on success, ROLLBACK on any error. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>
  end(): Promise<void>
}

function queryable(target: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<R extends pg.QueryResultRow>(sql: string, params: readonly unknown[] = []) {
      return (await target.query<R>(sql, params as unknown[])).rows
    },
    async execute(sql, params = []) {
      return (await target.query(sql, params as unknown[])).rowCount ?? 0
    },
  }
}

/** Wraps a pool: every error mapped to `StorageError` where it means something, and a closed pool refuses work. */
export function createPgDb(pool: pg.Pool): PgDb {
  let closed = false
  const poolQueries = queryable(pool)

  async function guarded<T>(work: () => Promise<T>): Promise<T> {
    if (closed) throw new StorageError(StorageErrorCode.Unavailable, 'the PostgreSQL storage is closed')
    try {
      return await work()
    } catch (error) {
      throw toStorageError(error)
    }
  }

  return {
    query: (sql, params) => guarded(() => poolQueries.query(sql, params)),
    execute: (sql, params) => guarded(() => poolQueries.execute(sql, params)),
    transaction: (work) =>
      guarded(async () => {
        const client = await pool.connect()
        let broken: Error | undefined
        try {
          await client.query('BEGIN')
          const result = await work(queryable(client))
          await client.query('COMMIT')
          return result
        } catch (error) {
          await client.query('ROLLBACK').catch((rollbackError: unknown) => {
            // The connection itself failed: do not give it back to the pool.
            broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError))
          })
          throw error
        } finally {
          client.release(broken)
        }
      }),
    end: async () => {
      if (closed) return
      closed = true
      await pool.end()
    },
  }
}
