/**
 * Media streaming and uploads for the board.
 * @module
 */
export { type MediaKind, type MediaType, mediaTypeForName } from './content-type.js'
export { createMediaLibrary, type MediaFile, type MediaLibrary, type MediaLibraryOptions } from './library.js'
export { isSafeMediaName, MAX_NAME_BYTES } from './names.js'
export type { MediaReply, MediaRequest } from './send.js'
