import { expect, it } from 'vitest'
import { parseCredentials } from '../src/credentials-file.js'

it('parses "username password" lines with their numbers, skipping blank ones', () => {
  expect(parseCredentials('\uFEFFhans falcon*solo\r\n\n  yoda\twise@!man  \nlonely\na b c\n')).toEqual([
    { line: 1, kind: 'entry', username: 'hans', password: 'falcon*solo' },
    { line: 3, kind: 'entry', username: 'yoda', password: 'wise@!man' },
    { line: 4, kind: 'malformed', fields: 1 },
    { line: 5, kind: 'malformed', fields: 3 },
  ])
})
