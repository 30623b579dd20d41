/**
 * The hardening tests' protocol-level chat client: @parley/testing's ProtocolClient (real `ws` over
 * real TLS, every frame checked against the server schemas and kept raw so tests can search them for
 * secrets), with the 15 s default wait these tests have always used.
 * @module
 */
import { ProtocolClient, type ProtocolConnectOptions } from '@parley/testing'

export type { Closed } from '@parley/testing'
export type ChatConnectOptions = Omit<ProtocolConnectOptions, 'timeoutMs'>

const TIMEOUT_MS = 15_000

export type ChatClient = ProtocolClient
export const ChatClient = {
  connect: (url: string, options: ChatConnectOptions): Promise<ChatClient> =>
    ProtocolClient.connect(url, { ...options, timeoutMs: TIMEOUT_MS }),
}

/** A message from `from` to `to` must arrive: used to prove the gateway still serves others after an abuse. */
export async function proveService(from: ChatClient, to: ChatClient, toName: string, text: string): Promise<void> {
  const ack = await from.request({ type: 'message', to: toName, text })
  if (ack.type !== 'ack') throw new Error(`message not acked: ${JSON.stringify(ack)}`)
  await to.waitForType('message', (m) => m.text === text)
  to.confirm()
}
