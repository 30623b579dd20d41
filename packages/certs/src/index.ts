/**
 * Local TLS for development: a certificate authority of this machine and a localhost leaf signed by it.
 * @module
 */
export {
  CA_FILE,
  CA_KEY_FILE,
  type CertFiles,
  type EnsureCertsOptions,
  ensureCerts,
  LEAF_FILE,
  LEAF_KEY_FILE,
} from './ensure-certs.js'
export { createEphemeralCertificate, type EphemeralCertificate, type EphemeralOptions } from './ephemeral.js'
export { type LoadCertsOptions, loadCerts, runCertsCommand } from './load-certs.js'
export { certNames } from './names.js'
export { findRepoRoot } from './repo-root.js'
export { UNCONSTRAINED_CA } from './validate.js'
