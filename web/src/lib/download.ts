/**
 * Saves a response as a file. Downloads need the bearer token, so a plain link cannot do it:
 * the body is fetched, then handed to the browser as a Blob.
 */
export function filenameOf(contentDisposition: string | null, fallback: string): string {
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(contentDisposition ?? '');
  const name = m ? decodeURIComponent(m[1]!) : fallback;
  // Never a path: only the last segment, without control characters.
  return name.split(/[\\/]/).pop()!.replace(/[\u0000-\u001f]/g, '') || fallback;
}

export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
