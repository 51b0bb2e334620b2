/**
 * Heavy parts (the EWS library, the AWS SDK) are sibling bundles loaded on first use, never at
 * activation. From a bundle (dist/extension.js, dist/cli.js) `requireBundle` finds the sibling, kept
 * external by the build; from the plain transpile in out/ (unit tests) there is no bundle, and the
 * module at `directPath` is loaded instead. Its path is computed so esbuild never inlines it.
 *
 * A bundle that is missing, or fails as it loads, means a damaged installation: the error is a
 * UserFacingError that names the file and says what to do, with the bundle's own error as its `cause`
 * (for the log). The plain transpile failing (a unit run) is thrown as it is. The next call tries again.
 */
import { oneLineErrorText, UserFacingError } from './errors';
import * as l10n from './l10n';

export function lazyModule<T>(requireBundle: () => unknown, bundleFile: string, directPath: string): () => T {
  let loaded: T | undefined;
  return () => {
    if (loaded) return loaded;
    try {
      loaded = requireBundle() as T;
    } catch (err) {
      // Only the bundle itself being absent means "not bundled"; a bundle that fails inside is a real error.
      if (!isNotFound(err, bundleFile)) throw bundleFailed(bundleFile, err);
      loaded = requireDirect<T>(directPath, bundleFile);
    }
    return loaded;
  };
}

/** The plain transpile's module; when that is absent too, an error that names the missing bundle. */
function requireDirect<T>(directPath: string, bundleFile: string): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(directPath) as T;
  } catch (err) {
    if (!isNotFound(err, directPath)) throw err;
    throw new UserFacingError(l10n.t("The extension's file dist/{0} is missing: reinstall Exchange Calendar Setup.", bundleFile));
  }
}

function bundleFailed(bundleFile: string, cause: unknown): UserFacingError {
  const error = new UserFacingError(l10n.t("The extension's file dist/{0} did not load ({1}): reinstall Exchange Calendar Setup.", bundleFile, oneLineErrorText(cause)));
  error.cause = cause;
  return error;
}

/** Whether `err` says that this very module is not there (not one that it requires). */
function isNotFound(err: unknown, module: string): boolean {
  return (err as { code?: string }).code === 'MODULE_NOT_FOUND' && String((err as Error).message).includes(module);
}
