/** Why the store refused to open or to continue. Messages are safe to show to a user. */
export type StoreErrorCode =
  'SCHEMA_TOO_NEW' | 'NOT_A_REBALANCER_DATABASE' | 'DATA_DIR_IN_USE' | 'MIGRATION_FAILED';

export class StoreError extends Error {
  constructor(
    public readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}
