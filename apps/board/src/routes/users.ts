/**
 * `/users/:name`: the page a mention (`@name`, render/mentions.ts) links to: who the user is (name,
 * since when), a way to chat with them, and their latest posts and replies as plain excerpts.
 * Unknown or deleted names answer 404. Signed-in users only, like the board.
 * @module
 */
import { usernameKeyOf } from '@parley/auth'
import { ErrorCode, ParleyError } from '@parley/protocol'
import type { Storage } from '@parley/storage'
import { Type } from 'typebox'
import { formatTime } from '../http/present.js'
import type { BoardPlugin } from '../http/types.js'
import { excerptOf } from '../notifications/excerpt.js'
import { requireUser } from '../plugins/session.js'

export const USER_PAGE_POSTS = 20

const UserParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 128 }) })

export const userRoutes: BoardPlugin<{ storage: Storage }> = async (app, { storage }) => {
  app.get('/users/:name', { schema: { params: UserParams } }, async (request, reply) => {
    requireUser(request)
    const user = await storage.users.getUserByKey(usernameKeyOf(request.params.name.normalize('NFC')))
    if (!user) throw new ParleyError(ErrorCode.NotFound, 'There is no user by that name.')
    const posts = (await storage.posts.listPostsByAuthor(user.id, { limit: USER_PAGE_POSTS })).filter(
      (post) => post.deletedAt === null,
    )
    return reply.view('user', {
      title: user.username,
      profile: {
        username: user.username,
        sinceIso: new Date(user.createdAt).toISOString(),
        sinceText: formatTime(user.createdAt),
      },
      posts: posts.map((post) => ({
        excerpt: excerptOf(post.body, 160),
        href: `/posts/${post.parentId ?? post.id}#post-${post.id}`,
        isReply: post.parentId !== null,
        createdAtIso: new Date(post.createdAt).toISOString(),
        createdAtText: formatTime(post.createdAt),
      })),
    })
  })
}
