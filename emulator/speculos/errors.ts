/** Errors raised while running Speculos or driving its screen and buttons. */
export type SpeculosErrorCode =
  | 'BINARY_MISSING'
  | 'ELF_MISSING'
  | 'BAD_ELF_PATH'
  | 'START_TIMEOUT'
  | 'EXITED'
  | 'HTTP_ERROR'
  | 'SCREEN_TIMEOUT'
  | 'BUILD_FAILED'
  | 'BAD_IMAGE'
  | 'GOLDEN_MISMATCH';

export class SpeculosError extends Error {
  readonly code: SpeculosErrorCode;

  constructor(code: SpeculosErrorCode, message: string) {
    super(`[${code}] ${message}`);
    this.name = 'SpeculosError';
    this.code = code;
  }
}
