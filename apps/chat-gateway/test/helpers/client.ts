/**
 * The gateway suites' protocol-level test client: @parley/testing's ProtocolClient (real `ws` over
 * real TLS, frames validated against the server schemas, replies and events awaited by predicate),
 * whose default wait of 10 s these suites use.
 */
export type { Closed, ProtocolConnectOptions as ConnectOptions } from '@parley/testing'
export { ProtocolClient as TestClient } from '@parley/testing'
