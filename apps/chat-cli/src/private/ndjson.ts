/**
 * Newline-delimited JSON peer frames on a stream: one `PeerMessage` per line, decoded with the
 * protocol's schema. A peer that sends an over-long line or a bad frame is cut off.
 * @module
 */
import type { Duplex } from 'node:stream'
import { decodePeerMessage, encode, MAX_FRAME_BYTES, type PeerMessage } from '@parley/protocol'

export interface FrameReader {
  /** Stops delivering frames (the socket is left as it is). */
  stop(): void
}

export function readPeerFrames(
  socket: Duplex,
  onFrame: (frame: PeerMessage) => void,
  onBadInput: (why: string) => void,
): FrameReader {
  let buffer = ''
  let stopped = false
  socket.setEncoding('utf8')
  const onData = (chunk: string) => {
    buffer += chunk
    for (;;) {
      if (stopped) return
      const end = buffer.indexOf('\n')
      if (end < 0) break
      const line = buffer.slice(0, end).trim()
      buffer = buffer.slice(end + 1)
      if (line === '') continue
      let frame: PeerMessage
      try {
        frame = decodePeerMessage(line)
      } catch (error) {
        stopped = true
        socket.off('data', onData)
        return onBadInput((error as Error).message)
      }
      onFrame(frame)
    }
    if (buffer.length > MAX_FRAME_BYTES) {
      stopped = true
      socket.off('data', onData)
      onBadInput('peer frame too long')
    }
  }
  socket.on('data', onData)
  return {
    stop() {
      stopped = true
      socket.off('data', onData)
    },
  }
}

export function writePeerFrame(socket: Duplex, frame: PeerMessage): void {
  if (!socket.destroyed && socket.writable) socket.write(`${encode(frame)}\n`)
}
