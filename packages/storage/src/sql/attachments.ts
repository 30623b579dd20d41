/** The attachment row's columns, aliased to `PostAttachmentRow`'s names (SQLite and PostgreSQL alike). */
export const attachmentColumns = `post_id AS "postId", media_name AS "mediaName", kind, alt, width, height`
