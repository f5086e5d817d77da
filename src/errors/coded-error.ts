/**
 * The base of this project's typed errors: an Error with a machine-readable `code` that callers
 * (a UI, a CLI's exit status, a retry policy) branch on instead of parsing the message.
 * Subclasses narrow `Code` and set `name` as a class field, a literal that survives minifiers.
 */
export class CodedError<Code extends string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
