/**
 * Every error fray throws on purpose: a `FrayError` with a stable `FRAY_…` code, one
 * subclass per failure kind, and a cross-realm `isFrayError()` guard.
 *
 * @module
 */
export { FrayError, isFrayError, type FrayErrorCode, type FrayErrorOptions } from './fray-error.ts';
export { closestName, unknownKey, type UnknownKey } from './closest-name.ts';
export {
  MockAssertionError,
  MockExhaustedError,
  MockFloatingError,
  MockSpecError,
  MockUnknownMemberError,
  MockUsageError,
} from './mock.ts';
export { CliFileError, CliScenarioError, CliUsageError } from './cli.ts';
export {
  LoadCallbackError,
  LoadCompareError,
  LoadGateError,
  LoadOptionsError,
  LoadRemoteRefusedError,
  LoadReportError,
  LoadTargetError,
  LoadWorkerError,
} from './load.ts';
export {
  FileLeaksError,
  LateLeaksError,
  LeaksFoundError,
  LeaksUsageError,
  RunnerSetupError,
  type LeakSummary,
} from './leaks.ts';
export {
  RaceDeadlockError,
  RaceFoundError,
  RaceHookError,
  RaceHookTimeoutError,
  RaceNondeterminismError,
  RaceNotLinearizableError,
  RaceOptionsError,
  RaceReplayDivergedError,
  RaceReplayInvalidError,
  RaceStepLimitError,
  RaceTaskFailedError,
  RaceTimeoutError,
  RaceUncontrolledError,
  RaceUsageError,
  type RaceHook,
  type UncontrolledGap,
  type UncontrolledSite,
} from './race.ts';
export {
  DbCacheUnwritableError,
  DbClosedError,
  DbDropFailedError,
  DbMigrationError,
  DbPermissionError,
  DbProductionError,
  DbRemoteError,
  DbSnapshotError,
  DbUnreachableError,
  DbUnsafeNameError,
  DbUnsupportedError,
  DbUsageError,
  DbWaitTimeoutError,
} from './db.ts';
export { DiCycleError, DiFactoryError, DiUnresolvedError, DiUsageError } from './di.ts';
export {
  HttpClientClosedError,
  HttpHandlerError,
  HttpLifespanError,
  HttpNoResponseError,
  HttpUnknownOptionError,
  HttpUnsupportedAppError,
  HttpUsageError,
  HttpWebSocketClosedError,
  HttpWebSocketRejectedError,
  HttpWebSocketTimeoutError,
  HttpWebSocketUnsupportedError,
} from './http.ts';
