/**
 * The board's Fastify types: an HTTP/2 secure server (with HTTP/1.1 fallback) and the TypeBox provider.
 * @module
 */
import type { Http2SecureServer, Http2ServerRequest, Http2ServerResponse } from 'node:http2'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerBase,
  RouteGenericInterface,
} from 'fastify'

export type BoardInstance = FastifyInstance<
  Http2SecureServer,
  Http2ServerRequest,
  Http2ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>
export type BoardPlugin<Options extends object = Record<never, never>> = FastifyPluginAsync<
  Options,
  Http2SecureServer,
  TypeBoxTypeProvider
>
/**
 * A request or reply of any Fastify server, for helpers shared by hooks and routes. With
 * `allowHTTP1` the raw objects really are either kind: Http2ServerRequest for HTTP/2 clients,
 * http.IncomingMessage for HTTP/1.1 ones.
 */
export type AnyRequest = FastifyRequest<
  RouteGenericInterface,
  RawServerBase,
  RawRequestDefaultExpression<RawServerBase>
>
export type AnyReply = FastifyReply<
  RouteGenericInterface,
  RawServerBase,
  RawRequestDefaultExpression<RawServerBase>,
  RawReplyDefaultExpression<RawServerBase>
>
