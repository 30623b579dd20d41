/**
 * The original chat server's credentials.txt: one `username password` per line, separated by
 * whitespace. Blank lines are skipped; CRLF line ends and a UTF-8 byte order mark are accepted.
 * @module
 */

export type CredentialsLine =
  | { line: number; kind: 'entry'; username: string; password: string }
  | { line: number; kind: 'malformed'; fields: number }

export function parseCredentials(text: string): CredentialsLine[] {
  const result: CredentialsLine[] = []
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  lines.forEach((raw, index) => {
    const trimmed = raw.trim()
    if (trimmed === '') return
    const fields = trimmed.split(/[ \t]+/)
    const [username, password] = fields
    if (fields.length === 2 && username !== undefined && password !== undefined) {
      result.push({ line: index + 1, kind: 'entry', username, password })
    } else {
      result.push({ line: index + 1, kind: 'malformed', fields: fields.length })
    }
  })
  return result
}
