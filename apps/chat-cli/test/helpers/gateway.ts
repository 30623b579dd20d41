/**
 * The REAL chat gateway for CLI end-to-end tests: `startTestGateway` from `chat-gateway/testing`
 * (real TLS certificates, a SQLite database in a temp dir, real auth) with its own in-process bus;
 * `stop()` and `listen()` bring it down and back on the SAME port, as a restarted server would be.
 */
import { type Bus, createMemoryBus } from '@parley/bus'
import { type GatewayConfig, startTestGateway, TEST_PASSWORD, type TestGateway } from 'chat-gateway/testing'

export const PASSWORD = TEST_PASSWORD

export interface RealGateway extends TestGateway {
  /** The gateway's bus: a test publishes on it what the board would (notifications). */
  readonly bus: Bus
  /** The certificate authority file the CLI is told to trust. */
  readonly caPath: string
  /** Starts the stopped gateway again on the same port and database. */
  listen(): Promise<void>
}

export const RealGateway = {
  async start(config: Partial<GatewayConfig> = {}): Promise<RealGateway> {
    const bus = createMemoryBus()
    const test = await startTestGateway({ config: { instanceId: 'cli-e2e', ...config }, deps: { bus } })
    // On top of the harness object, so its getters (gateway, port, config) stay live.
    return Object.assign(Object.create(test) as TestGateway, {
      bus,
      caPath: test.certs.caPath,
      listen: () => test.start(),
      close: async () => {
        await test.close()
        await bus.close()
      },
    })
  },
}
