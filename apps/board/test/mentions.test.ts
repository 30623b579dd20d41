import { describe, expect, it } from 'vitest'
import { linkMentions, MAX_MENTIONS_PER_POST, mentionedNames, userPath } from '../src/render/mentions.js'
import { renderRichText } from '../src/render/rich-text.js'

const link = (name: string) => `<a class="mention" href="${userPath(name)}">@${name}</a>`

describe('mentions', () => {
  it('links @name in post text to the user’s page, and reads the same names back', () => {
    const html = renderRichText('Hi @ann and @Hans_2, thanks @ann.')
    expect(html).toBe(`<p>Hi ${link('ann')} and ${link('Hans_2')}, thanks ${link('ann')}.</p>`)
    expect(mentionedNames(html)).toEqual(['ann', 'Hans_2'])
  })

  it('takes names with letters of any script, dots and dashes inside, percent-encoded in the path', () => {
    const html = renderRichText('@Jürgen-W and @анна.k!')
    expect(html).toContain(`<a class="mention" href="/users/J%C3%BCrgen-W">@Jürgen-W</a>`)
    expect(html).toContain(`<a class="mention" href="/users/%D0%B0%D0%BD%D0%BD%D0%B0.k">@анна.k</a>!`)
    expect(mentionedNames(html)).toEqual(['Jürgen-W', 'анна.k'])
  })

  it('leaves e-mail addresses, URLs, code and existing links alone', () => {
    const html = renderRichText(
      'mail ann@example.org, see https://x.example/@bob, `@code` and [@cid](https://x.example)\n\n```\n@pre\n```',
    )
    expect(html).not.toContain('class="mention"')
    expect(mentionedNames(html)).toEqual([])
  })

  it('never lets markup through: what follows the name stays escaped text', () => {
    const html = renderRichText('@ann<script>alert(1)</script> @"x" @<b>y</b> @&amp;')
    expect(html).toContain(`${link('ann')}&lt;script&gt;`)
    expect(html).not.toContain('<script')
    expect(html).not.toContain('<b>')
    expect(mentionedNames(html)).toEqual(['ann'])
  })

  it('skips names longer than a username can be, and caps how many names one post notifies', () => {
    expect(linkMentions(`<p>@${'a'.repeat(33)}</p>`)).toBe(`<p>@${'a'.repeat(33)}</p>`)
    const many = Array.from({ length: MAX_MENTIONS_PER_POST + 5 }, (_, i) => `@u${i}`).join(' ')
    const html = renderRichText(many)
    expect(html.match(/class="mention"/g)).toHaveLength(MAX_MENTIONS_PER_POST + 5)
    expect(mentionedNames(html)).toHaveLength(MAX_MENTIONS_PER_POST)
  })
})
