/** node:assert/strict in a browser: the `assert` package's strict mode. */
import assert from 'assert';

const strict = assert.strict;
export default strict;
export const { ok, equal, notEqual, deepEqual, notDeepEqual, throws, doesNotThrow, rejects, doesNotReject, match, fail, AssertionError } = strict;
