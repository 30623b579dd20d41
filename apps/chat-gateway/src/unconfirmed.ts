/**
 * How many pushed messages one connection may hold unconfirmed. Beyond it new messages stay in the
 * offline queue in storage and come in order once the client confirmed what it holds, so neither a
 * client that never confirms nor a long queue grows the gateway's memory, and the queue push never
 * asks storage for more than a page (`MAX_PAGE_LIMIT`, 1,000 = this + a batch, with room to spare).
 * @module
 */
export const MAX_UNCONFIRMED = 500
