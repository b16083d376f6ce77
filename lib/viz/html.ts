/**
 * Escaping text for HTML. Every figure, table and diagram the library shows as HTML or
 * SVG puts learners' strings (labels, captions, messages) through here, so a "<" in a
 * caption shows as a "<" instead of starting a tag.
 */

const escapes: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for safe use inside HTML: in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapes[c]);
}
