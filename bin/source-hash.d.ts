/** SHA-256 over every file under `srcDir` (relative path and contents, in path order). */
export function sourceHash(srcDir: string): string;
