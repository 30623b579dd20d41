/**
 * The contract for post attachments (issue 16, pictures in posts): one media file per post, replaced by
 * a second attach, gone with the post, and removable by media name when the file is deleted.
 * Called by `runStorageContract` inside its describe.
 * @module
 */
import { describe, expect, it } from 'vitest'
import { type Storage, StorageErrorCode } from '../src/index.js'
import { expectStorageError } from './expect-storage-error.js'

const T0 = 1_700_000_000_000

export function runAttachmentContract(current: () => Storage): void {
  async function addPost(username: string, body: string) {
    const s = current()
    const user =
      (await s.users.getUserByKey(username)) ??
      (await s.users.createUser({ username, usernameKey: username, passwordHash: 'h', createdAt: T0 }))
    return s.posts.createPost(user.id, body, T0)
  }

  describe('post attachments', () => {
    it('attaches one file per post, replaces it on a second attach, and reads them for a page of posts', async () => {
      const s = current()
      const first = await addPost('ann', 'a picture')
      const second = await addPost('bob', 'a clip')
      const third = await addPost('cid', 'nothing attached')
      const picture = {
        postId: first.id,
        mediaName: 'cat-1a2b.png',
        kind: 'image',
        alt: 'A cat',
        width: 640,
        height: 480,
      } as const
      expect(await s.attachments.attach(picture)).toEqual(picture)
      const clip = {
        postId: second.id,
        mediaName: 'song-9f.mp4',
        kind: 'video',
        alt: '',
        width: null,
        height: null,
      } as const
      await s.attachments.attach(clip)
      const rows = await s.attachments.forPosts([first.id, second.id, third.id])
      expect(rows.sort((a, b) => a.postId - b.postId)).toEqual([picture, clip])
      expect(await s.attachments.forPosts([])).toEqual([])

      const replaced = { ...picture, mediaName: 'dog-77.webp', alt: 'A dog', width: 10, height: 20 }
      expect(await s.attachments.attach(replaced)).toEqual(replaced)
      expect(await s.attachments.forPosts([first.id])).toEqual([replaced])
    })

    it('refuses an attachment for an unknown post', async () => {
      await expectStorageError(
        current().attachments.attach({
          postId: 4242,
          mediaName: 'x.png',
          kind: 'image',
          alt: 'x',
          width: 1,
          height: 1,
        }),
        StorageErrorCode.NotFound,
      )
    })

    it('detaches by post, and by media name across posts; a deleted post takes its attachment with it', async () => {
      const s = current()
      const one = await addPost('ann', 'one')
      const two = await addPost('ann', 'two')
      const three = await addPost('ann', 'three')
      for (const post of [one, two]) {
        await s.attachments.attach({
          postId: post.id,
          mediaName: 'shared.png',
          kind: 'image',
          alt: 'A',
          width: 1,
          height: 1,
        })
      }
      await s.attachments.attach({
        postId: three.id,
        mediaName: 'own.wav',
        kind: 'audio',
        alt: '',
        width: null,
        height: null,
      })
      expect((await s.attachments.detachMedia('shared.png')).sort((a, b) => a - b)).toEqual([one.id, two.id])
      expect(await s.attachments.detachMedia('shared.png')).toEqual([])
      expect(await s.attachments.forPosts([one.id, two.id])).toEqual([])

      expect(await s.attachments.detach(three.id)).toBe(true)
      expect(await s.attachments.detach(three.id)).toBe(false)

      await s.attachments.attach({
        postId: one.id,
        mediaName: 'again.png',
        kind: 'image',
        alt: 'A',
        width: 1,
        height: 1,
      })
      expect(await s.posts.deletePost(one.id, one.authorId)).toBe(true)
      expect(await s.attachments.forPosts([one.id])).toEqual([])
      expect(await s.check()).toEqual([])
    })
  })
}
