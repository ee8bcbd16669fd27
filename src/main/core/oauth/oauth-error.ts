/** Why an OAuth attempt or grant failed. */
export type OAuthErrorKind =
  | 'state_mismatch'
  | 'issuer_mismatch'
  | 'access_denied'
  | 'timeout'
  | 'aborted'
  | 'port_in_use'
  | 'no_browser'
  | 'invalid_grant'
  | 'server_error'
  | 'network'
  | 'bad_response';

/** A failed OAuth step, with a message a creator can act on. */
export class OAuthError extends Error {
  constructor(
    readonly kind: OAuthErrorKind,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'OAuthError';
  }
}
