/**
 * A reply's `result` already encoded as JSON: the connection sends it as it is, so a
 * result whose parts also go out in pushes (a stored message) is serialised once.
 * `T` is what the JSON holds, for the reader.
 */
export class EncodedResult<T = unknown> {
  declare readonly value?: T;

  constructor(readonly json: string) {}
}
