/**
 * src/loader/entry.ts in a browser bundle: a rank imports programs the page
 * compiled (src/browser/index.ts), by the URL the page gave for each script
 * path; there is no compiler or cache in a rank.
 */
const compiled = new Map<string, string>();

/** The rank entry's part: `file` (an absolute path such as /main.ts) is imported from `url`. */
export function setCompiled(file: string, url: string): void {
  compiled.set(file, url);
}

export async function scriptURL(file: string, given?: string): Promise<string> {
  const url = given ?? compiled.get(file);
  if (url === undefined) throw new Error(`cannot import ${file} in a browser: only the program's own files compiled by the page can be imported`);
  return url;
}

export async function moduleSpecifier(specifier: string): Promise<string> {
  if (!specifier.startsWith('file:')) return specifier;
  return scriptURL(decodeURIComponent(new URL(specifier).pathname));
}
