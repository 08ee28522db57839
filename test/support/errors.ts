// Test helpers that capture the BuildpackError a call throws or a promise rejects with, or only
// its code. They fail the test when the error is not a BuildpackError (and thrown/rejected when
// nothing is thrown); they never judge codes or messages, which stay in each test.

import { expect } from 'vitest';
import { BuildpackError, isBuildpackError } from '../../src/errors.js';

/** Calls `fn`, expects it to throw a BuildpackError, and returns that error. */
export function thrown(fn: () => unknown): BuildpackError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BuildpackError);
    return err as BuildpackError;
  }
  throw new Error('expected an error');
}

/** Awaits `promise`, expects it to reject with a BuildpackError, and returns that error. */
export async function rejected(promise: Promise<unknown>): Promise<BuildpackError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(BuildpackError);
    return err as BuildpackError;
  }
  throw new Error('expected a rejection');
}

/** The code of the BuildpackError `fn` throws, or undefined when it returns; any other error is rethrown. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (isBuildpackError(err)) return err.code;
    throw err;
  }
}

/** The code of the BuildpackError `promise` rejects with, or undefined when it resolves; any other error is rethrown. */
export async function codeOfRejection(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (err) {
    if (isBuildpackError(err)) return err.code;
    throw err;
  }
}
