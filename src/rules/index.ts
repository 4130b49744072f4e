// Every rule, in the order of the contract's table.
import { contextMissing } from './context-missing';
import { contextOverwrite } from './context-overwrite';
import { doubleResponse } from './double-response';
import { errorHandlerArity } from './error-handler-arity';
import { errorHandlerOrder } from './error-handler-order';
import { escapingAsyncThrow } from './escaping-async-throw';
import { missingErrorHandler } from './missing-error-handler';
import type { Rule } from './rule';
import { swallowedError } from './swallowed-error';
import { unawaitedNext } from './unawaited-next';
import { unhandledAsyncError } from './unhandled-async-error';
import { unreachableMiddleware } from './unreachable-middleware';
import { unterminatedMiddleware } from './unterminated-middleware';

export const RULES: readonly Rule[] = [
  unterminatedMiddleware,
  swallowedError,
  unhandledAsyncError,
  escapingAsyncThrow,
  unawaitedNext,
  doubleResponse,
  errorHandlerOrder,
  errorHandlerArity,
  missingErrorHandler,
  unreachableMiddleware,
  contextOverwrite,
  contextMissing,
];
