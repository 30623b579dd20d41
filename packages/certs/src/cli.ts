/**
 * `pnpm certs [--dir <folder>] [--name <host>]…`: creates the local CA and the localhost certificate
 * (default: CERTS_DIR, else the repository's certs/ folder) and says how to trust the CA. The only
 * program that reads the CA's private key; the servers run it as a child process when their
 * certificate is missing or expiring.
 */
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { ensureCerts } from './ensure-certs.js'
import { certNames } from './names.js'
import { findRepoRoot } from './repo-root.js'
import { UNCONSTRAINED_CA } from './validate.js'

const USAGE = `Usage: pnpm certs [--dir <folder>] [--name <host or IP>]...

Creates, when missing, a local certificate authority (ca.pem, ca-key.pem) and a certificate for
localhost, 127.0.0.1 and ::1 signed by it (localhost.pem, localhost-key.pem). The CA can certify
only these names and the ones added with --name (name constraints), and lasts 2 years; the
localhost certificate lasts 90 days and is renewed when it expires within 30 days. An existing CA
is kept while it is valid and limited to the same names.

  --dir <folder>       where to keep them (default: CERTS_DIR, else certs/ in the repository)
  --name <host or IP>  also cover this name (repeatable; also CERTS_NAMES, separated by spaces or commas)
  -h, --help           show this help`

async function main(): Promise<number> {
  let values: { dir?: string; name?: string[]; help?: boolean }
  let names: string[]
  try {
    values = parseArgs({
      options: {
        dir: { type: 'string' },
        name: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
    }).values
    names = [...(process.env.CERTS_NAMES ?? '').split(/[\s,]+/), ...(values.name ?? [])].filter((n) => n !== '')
    certNames(names) // refuses a malformed name before anything is written
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`)
    return 2
  }
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  // pnpm runs this script inside packages/certs; INIT_CWD is where the user typed the command.
  const invokedFrom = process.env.INIT_CWD ?? process.cwd()
  const root = findRepoRoot(invokedFrom) ?? findRepoRoot(process.cwd())
  const configured = values.dir ?? (process.env.CERTS_DIR || undefined)
  const dir = configured ? resolve(invokedFrom, configured) : root ? resolve(root, 'certs') : null
  if (!dir) {
    console.error('Cannot find the repository root (pnpm-workspace.yaml); pass --dir <folder>.')
    return 2
  }
  let files: Awaited<ReturnType<typeof ensureCerts>>
  try {
    files = await ensureCerts(dir, { names })
  } catch (error) {
    console.error(`Could not create certificates in ${dir}: ${(error as Error).message}`)
    return 1
  }
  const caLine = files.created.ca ? `created (${files.created.ca})` : 'kept (already valid)'
  const leafLine = files.created.leaf ? `created (${files.created.leaf})` : 'kept (already valid)'
  console.log(`Certificate authority   ${files.caPath}: ${caLine}`)
  console.log(`localhost certificate   ${files.certPath}: ${leafLine}`)
  console.log(`localhost private key   ${files.keyPath} (mode 0600)`)
  if (files.created.ca === UNCONSTRAINED_CA) {
    console.log(
      `Replaced the certificate authority of an earlier Parley, which could sign for any domain: remove it from where you trusted it and trust the new ${files.caPath}.`,
    )
  }
  if (files.created.ca) {
    console.log(`
Browsers do not know this new CA yet. Trust ${files.caPath} once (see README, "Certificates"):
  Chromium/Chrome (Linux): Settings → Privacy and security → Security → Manage certificates →
                           Authorities → Import, tick "Trust this certificate for identifying websites"
                           (or: certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n parley-dev-ca -i ${files.caPath})
  Firefox:                 Settings → Privacy & Security → Certificates → View Certificates →
                           Authorities → Import, tick "Trust this CA to identify websites"
  macOS (system + Chrome/Safari):
                           sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain ${files.caPath}
  Debian/Ubuntu (system):  sudo cp ${files.caPath} /usr/local/share/ca-certificates/parley-dev-ca.crt && sudo update-ca-certificates
  Node clients:            NODE_EXTRA_CA_CERTS=${files.caPath}`)
  }
  return 0
}

process.exitCode = await main()
