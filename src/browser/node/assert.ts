/** node:assert in a browser: the `assert` package (Node's assert for browsers). */
import assert from 'assert';

export default assert;
export const { ok, equal, notEqual, strictEqual, notStrictEqual, deepEqual, notDeepEqual, deepStrictEqual, notDeepStrictEqual,
  throws, doesNotThrow, rejects, doesNotReject, match, fail, AssertionError, strict } = assert;
