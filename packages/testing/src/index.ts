/**
 * Test support shared by Parley's suites. Never imported by runtime code: a devDependency only.
 * @module
 */
export { CHROMIUM_FLAGS, type LaunchChromiumOptions, launchChromium, spkiHash } from './chromium.js'
export { TestClock } from './clock.js'
export { type FindChromiumOptions, type FoundChromium, findChromium, SYSTEM_CHROMIUM_NAMES } from './find-chromium.js'
export { type Closed, type Outgoing, ProtocolClient, type ProtocolConnectOptions } from './protocol-client.js'
export { runScriptUntil, type ScriptRun, type ScriptRunOptions } from './script-run.js'
export { startTcpRelay, type TcpRelay } from './tcp-relay.js'
export { ManualTimers } from './timers.js'
