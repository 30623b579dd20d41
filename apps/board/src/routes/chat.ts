/**
 * The chat in the browser: the `/chat` page and the data of the compact panel on the board. Both are
 * a server-rendered shell; /static/chat.js connects to the chat gateway over wss with the board's
 * session cookie (the gateway checks it and the page's Origin at the upgrade), so no token is ever
 * given to the page. The gateway URL reaches the page in a `data-` attribute rendered from config.
 * @module
 */
import type { BoardConfig } from '../config.js'
import type { AnyRequest, BoardPlugin } from '../http/types.js'
import { requireUser } from '../plugins/session.js'

export type ChatGatewayConfig = Pick<BoardConfig, 'chatGatewayOrigins' | 'chatGatewayUrl'>

/** What the chat shell template needs. */
export interface ChatPanelView {
  /** `wss://host:port/` of the gateway. */
  gatewayUrl: string
  username: string
}

/** `localhost` and `LOCALHOST.` name the same host. */
function sameHost(a: string, b: string): boolean {
  const normal = (host: string) => host.toLowerCase().replace(/\.$/, '')
  return normal(a) === normal(b)
}

/**
 * The gateway URL for a page loaded from `pageHostname`. The browser sends the board's cookie
 * (host-only, `__Host-`) only to the host it was set for, so the gateway origin on the SAME host
 * as the page is preferred: a page on https://127.0.0.1:8181 talks to wss://127.0.0.1:8182 and one
 * on https://localhost:8181 to wss://localhost:8182. Null when no gateway is configured.
 */
export function chatGatewayUrlFor(config: ChatGatewayConfig, pageHostname: string): string | null {
  if (config.chatGatewayUrl) return config.chatGatewayUrl
  const origins = config.chatGatewayOrigins
  const match = origins.find((origin) => sameHost(new URL(origin).hostname, pageHostname)) ?? origins[0]
  return match === undefined ? null : `${match}/`
}

/** The compact panel's data for a signed-in request; null when the chat is not configured. */
export function chatPanelView(config: ChatGatewayConfig, request: AnyRequest): ChatPanelView | null {
  const user = requireUser(request)
  const gatewayUrl = chatGatewayUrlFor(config, request.hostname)
  return gatewayUrl === null ? null : { gatewayUrl, username: user.username }
}

export interface ChatRoutesOptions {
  config: ChatGatewayConfig
}

export const chatRoutes: BoardPlugin<ChatRoutesOptions> = async (app, { config }) => {
  app.get('/chat', async (request, reply) => {
    requireUser(request)
    return reply.view('chat', { title: 'Chat', chat: chatPanelView(config, request) })
  })
}
