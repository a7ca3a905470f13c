/**
 * Output cut into whole lines, each prefixed under --tag-output: the part
 * of a rank's standard output and error that is the same whether the lines
 * go to the process's file descriptors (output.ts, Node) or to the page
 * (src/browser/rank.ts).
 */
import type { RankBootstrap } from '../../core/bootstrap.js';

/** The prefix of a rank's output lines: `[rank] ` (`[k,rank] ` in the k-th spawned world) under --tag-output, else none. */
export function outputPrefix(boot: RankBootstrap): string {
  return boot.tagOutput ? `[${boot.outputTag ?? boot.worldRank}] ` : '';
}

export class LineBuffer {
  #partial = '';
  #prefix: string;
  readonly #emit: (lines: string) => void;

  /** `emit` gets one or more whole lines (ending with \n), prefixed. */
  constructor(prefix: string, emit: (lines: string) => void) {
    this.#prefix = prefix;
    this.#emit = emit;
  }

  setPrefix(prefix: string): void { this.#prefix = prefix; }

  /** Add text: the lines it completes go out at once, the rest waits for its newline. */
  write(text: string): void {
    const all = this.#partial + text;
    const end = all.lastIndexOf('\n');
    if (end < 0) {
      this.#partial = all;
    } else {
      this.#partial = all.slice(end + 1);
      this.#out(all.slice(0, end + 1));
    }
  }

  /** Write any unterminated last line (at exit). */
  flushPartial(): void {
    if (this.#partial) {
      const rest = this.#partial;
      this.#partial = '';
      this.#out(`${rest}\n`);
    }
  }

  #out(lines: string): void {
    this.#emit(this.#prefix ? lines.replace(/^/gm, this.#prefix).slice(0, -this.#prefix.length) : lines);
  }
}
