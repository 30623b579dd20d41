/**
 * Real time plus an offset a test moves forward, injected as `now` into auth, board and gateway, so
 * expiries and lockouts end without waiting.
 * @module
 */
export class TestClock {
  offset = 0
  readonly now = (): number => Date.now() + this.offset
  advance(ms: number): void {
    this.offset += ms
  }
}
