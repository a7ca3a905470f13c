/** node:tty in a browser: no terminal; output goes to the page line by line. */
export function isatty(_fd: number): boolean { return false; }
export class ReadStream {
  constructor() { throw new Error('tty.ReadStream is not available in a browser'); }
}
export class WriteStream {
  constructor() { throw new Error('tty.WriteStream is not available in a browser'); }
}
export default { isatty, ReadStream, WriteStream };
