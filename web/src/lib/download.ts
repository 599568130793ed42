/**
 * Saves a response as a file. Downloads need the bearer token, so a plain link cannot do it:
 * the body is fetched, then handed to the browser as a Blob.
 */
export function filenameOf(contentDisposition: string | null, fallback: string): string {
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(contentDisposition ?? '');
  let name = fallback;
  try {
    if (m) name = decodeURIComponent(m[1]!);
  } catch {
    // a malformed %-escape: keep the fallback
  }
  // Never a path: only the last segment, without control characters.
  return name.split(/[\\/]/).pop()!.replace(/[\u0000-\u001f]/g, '') || fallback;
}
