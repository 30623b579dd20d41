export { ErrorCode, isParleyError, ParleyError } from './errors.js'
