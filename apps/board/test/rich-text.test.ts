/**
 * The formatting subset of post bodies (render/rich-text.ts): what each piece of Markdown becomes, and
 * that everything outside the subset (raw HTML, headings, images, unsafe links) comes out as text.
 * The XSS payload list and generated strings are checked in e2e/test/rich-text.property.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { renderRichText } from '../src/render/rich-text.js'

const REL = 'rel="nofollow noopener noreferrer"'

describe('renderRichText: the subset', () => {
  it('makes paragraphs, keeping single line breaks', () => {
    expect(renderRichText('one\ntwo\n\nthree')).toBe('<p>one<br />\ntwo</p>\n<p>three</p>')
  })

  it('renders bold, italic and inline code', () => {
    expect(renderRichText('**b** *i* _j_ `c <x>`')).toBe(
      '<p><strong>b</strong> <em>i</em> <em>j</em> <code>c &lt;x&gt;</code></p>',
    )
  })

  it('renders fenced and indented code blocks, their content as text', () => {
    expect(renderRichText('```js\n<b>x</b>\n```')).toBe('<pre><code>&lt;b&gt;x&lt;/b&gt;\n</code></pre>')
    expect(renderRichText('    let a = 1')).toBe('<pre><code>let a = 1\n</code></pre>')
  })

  it('renders quotes and lists', () => {
    expect(renderRichText('> said')).toBe('<blockquote>\n<p>said</p>\n</blockquote>')
    expect(renderRichText('- a\n- b')).toBe('<ul>\n<li>a</li>\n<li>b</li>\n</ul>')
    expect(renderRichText('3. x\n4. y')).toBe('<ol start="3">\n<li>x</li>\n<li>y</li>\n</ol>')
  })

  it('links http, https and mailto addresses, written or bare, with rel', () => {
    expect(renderRichText('[site](https://example.com/a?b=1&c=2)')).toBe(
      `<p><a href="https://example.com/a?b=1&amp;c=2" ${REL}>site</a></p>`,
    )
    expect(renderRichText('see http://example.com.')).toBe(
      `<p>see <a href="http://example.com" ${REL}>http://example.com</a>.</p>`,
    )
    expect(renderRichText('<https://example.org>')).toBe(
      `<p><a href="https://example.org" ${REL}>https://example.org</a></p>`,
    )
    expect(renderRichText('mail ann@example.com')).toBe(
      `<p>mail <a href="mailto:ann@example.com" ${REL}>ann@example.com</a></p>`,
    )
  })
})

describe('renderRichText: outside the subset', () => {
  it('shows raw HTML as text', () => {
    expect(renderRichText('<b onclick="x()">hi</b>')).toBe('<p>&lt;b onclick="x()"&gt;hi&lt;/b&gt;</p>')
  })

  it('shows headings, tables, rules and strikethrough as text', () => {
    expect(renderRichText('# Title')).toBe('<p># Title</p>')
    expect(renderRichText('Title\n===')).toBe('<p>Title<br />\n===</p>')
    expect(renderRichText('---')).toBe('<p>---</p>')
    expect(renderRichText('~~gone~~')).toBe('<p>~~gone~~</p>')
    expect(renderRichText('| a |\n|---|\n| 1 |')).not.toContain('<table')
  })

  it('never makes an image: the address is at most a link', () => {
    expect(renderRichText('![cat](https://example.com/cat.png)')).toBe(
      `<p>!<a href="https://example.com/cat.png" ${REL}>cat</a></p>`,
    )
    expect(renderRichText('![x](javascript:alert(1))')).not.toContain('<a')
  })

  it('leaves links to other schemes, relative and protocol-relative addresses as text', () => {
    for (const url of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,x',
      'vbscript:x',
      '//evil.example',
      '/posts/1',
      'ftp://example.com',
    ]) {
      const html = renderRichText(`[x](${url})`)
      expect(html, url).not.toContain('<a')
    }
    expect(renderRichText('[x](java\tscript:alert(1))')).not.toContain('<a')
    expect(renderRichText('<javascript:alert(1)>')).not.toContain('<a')
  })

  it('turns an empty or blank text into nothing', () => {
    expect(renderRichText('')).toBe('')
    expect(renderRichText('  \n ')).toBe('')
  })
})
