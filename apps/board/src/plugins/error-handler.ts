/**
 * The one place errors become responses: a ParleyError keeps its code and message and gets the HTTP
 * status of its code; Fastify's own 4xx errors (validation, body too large, …) are reported with
 * their status; anything else is a 500 whose details stay in the log. Browsers get an HTML page,
 * `accept: application/json` clients get `{ error: { code, message } }`.
 * @module
 */
import { ErrorCode, isParleyError } from '@parley/protocol'
import { StorageError, StorageErrorCode } from '@parley/storage'
import type { FastifyError } from 'fastify'
import fp from 'fastify-plugin'
import { httpStatusOf } from '../http/error-status.js'
import { wantsJson } from '../http/negotiate.js'
import type { AnyReply, AnyRequest } from '../http/types.js'

export interface ErrorView {
  status: number
  code: ErrorCode
  message: string
  retryAfterMs?: number
}

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  401: ErrorCode.Unauthorized,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  429: ErrorCode.RateLimited,
  503: ErrorCode.StorageUnavailable,
}

function validationMessage(error: FastifyError): string {
  const first = error.validation?.[0]
  const where = error.validationContext === 'querystring' ? 'query' : (error.validationContext ?? 'request')
  if (!first) return `Invalid ${where}`
  const field = first.instancePath ? first.instancePath.slice(1).replaceAll('/', '.') : ''
  return `Invalid ${where}${field ? ` field "${field}"` : ''}: ${first.message}`
}

export function describeError(error: unknown): ErrorView {
  if (isParleyError(error)) {
    const retryAfterMs = typeof error.details.retryAfterMs === 'number' ? error.details.retryAfterMs : undefined
    return { status: httpStatusOf(error.code), code: error.code, message: error.message, retryAfterMs }
  }
  // The database is unreachable (down, cut off, locked past the busy timeout): try again later, not a bug.
  if (error instanceof StorageError && error.code === StorageErrorCode.Unavailable) {
    return {
      status: 503,
      code: ErrorCode.StorageUnavailable,
      message: 'The board cannot reach its database right now. Please try again in a moment.',
    }
  }
  const fastifyError = error as Partial<FastifyError>
  if (fastifyError.validation) {
    return { status: 400, code: ErrorCode.BadMessage, message: validationMessage(fastifyError as FastifyError) }
  }
  const status = fastifyError.statusCode
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return {
      status,
      code: CODE_BY_STATUS[status] ?? ErrorCode.BadMessage,
      message: fastifyError.message ?? 'Bad request',
    }
  }
  return { status: 500, code: ErrorCode.Internal, message: 'Something went wrong on our side. Please try again.' }
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Please sign in',
  403: 'Not allowed',
  404: 'Not found',
  413: 'Too large',
  415: 'Unsupported file type',
  429: 'Too many attempts',
  500: 'Server error',
  503: 'Unavailable',
}

export function sendError(request: AnyRequest, reply: AnyReply, view: ErrorView): AnyReply {
  if (view.retryAfterMs !== undefined) reply.header('retry-after', String(Math.ceil(view.retryAfterMs / 1000)))
  const json = wantsJson(request.headers.accept)
  // A browser without a session is sent to sign in rather than shown an error.
  if (view.code === ErrorCode.Unauthorized && !json) return reply.redirect('/login', 303)
  reply.code(view.status)
  if (json || request.method === 'HEAD') return reply.send({ error: { code: view.code, message: view.message } })
  return reply.view('error', { title: TITLES[view.status] ?? 'Error', status: view.status, message: view.message })
}

export const errorHandlerPlugin = fp(
  async (app) => {
    app.setErrorHandler(async (error, request, reply) => {
      const view = describeError(error)
      if (view.status >= 500) request.log.error({ err: error }, 'request failed')
      else request.log.info({ code: view.code, status: view.status }, view.message)
      return sendError(request, reply, view)
    })
  },
  { name: 'parley-error-handler' },
)
