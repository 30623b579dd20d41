/**
 * Hands one received message to one handler. Shared by both buses so a bad payload or a throwing
 * handler behaves the same in-process and over Redis: logged, never breaking the other handlers.
 * @module
 */
import type { BusHandler, BusLogger } from './bus.js'

/** Parses per handler, so no two handlers share (and can mutate) one object. */
export function dispatch(handler: BusHandler, text: string, channel: string, log: BusLogger): void {
  let message: unknown
  try {
    message = JSON.parse(text)
  } catch (error) {
    log.warn({ err: error, channel, bytes: text.length }, 'bus message is not JSON: dropped')
    return
  }
  try {
    handler(message)
  } catch (error) {
    log.error({ err: error, channel }, 'bus handler failed')
  }
}
