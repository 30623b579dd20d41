/**
 * Password sign-ins at volume: N clients sign in with a password at once (argon2id at its default
 * cost, on the gateway's thread pool), against the same N argon2id verifications alone in a bare
 * process (the floor: the hash is most of the work).
 * @module
 */
import { BENCH_PASSWORD } from '../hosts/seed.js'
import { startChild } from '../ipc.js'
import type { StormResult } from '../load/chat-load.js'
import { metric, type ScenarioResult, withTarget } from '../report.js'
import { type Scenario, size } from './context.js'
import { startChatServer } from './servers.js'

export const signIns: Scenario = {
  name: 'signins',
  async run(ctx): Promise<ScenarioResult> {
    const logins = size(ctx, 100, 3000)
    const title = `password sign-ins: ${logins} clients sign in at once (argon2id defaults)`
    ctx.progress(title)
    const bare = startChild('argon2-bare')
    const load = startChild('chat-load')
    const server = await startChatServer(ctx, 'parley', { users: 0, loginUsers: logins })
    try {
      const baseline = await bare.request<StormResult>('verify', { count: logins })
      await bare.stop()
      await load.request('openRaw', { target: server.target, count: logins })
      const storm = await load.request<StormResult>('storm', {
        usernames: server.gateway!.loginUsers,
        password: BENCH_PASSWORD,
      })
      ctx.progress(
        `  Parley: ${logins} sign-ins in ${(storm.totalMs / 1000).toFixed(1)} s (bare argon2id ${(baseline.totalMs / 1000).toFixed(1)} s), ${storm.failures.length} failed`,
      )
      const notes = storm.failures.length > 0 ? [`${storm.failures.length} sign-ins failed: ${storm.failures[0]}`] : []
      return {
        scenario: 'signins',
        title,
        metrics: [
          withTarget(
            metric(`${logins} password sign-ins complete in`, storm.totalMs / 1000, 's', false, {
              'bare argon2id': baseline.totalMs / 1000,
            }),
            { baseline: 'bare argon2id', max: 1.5 },
          ),
        ],
        details: { logins, storm, baseline },
        notes,
      }
    } finally {
      await Promise.all([load.stop(), server.child.stop(), bare.stop().catch(() => undefined)])
    }
  },
}
