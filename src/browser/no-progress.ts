/** cli-progress in a browser bundle: a rank has no terminal (tty.isatty is false), so futures' map never draws a bar. */
class SingleBar {
  constructor() { throw new Error('progress bars need a terminal, which a rank in a browser does not have'); }
}
export default { SingleBar, Presets: { shades_classic: {} } };
