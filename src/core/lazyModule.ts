/**
 * Heavy parts (the EWS library, the AWS SDK) are sibling bundles loaded on first use, never at
 * activation. From a bundle (dist/extension.js, dist/cli.js) `requireBundle` finds the sibling, kept
 * external by the build; from the plain transpile in out/ (unit tests) there is no bundle, and the
 * module at `directPath` is loaded instead. Its path is computed so esbuild never inlines it. When
 * neither is there (a file missing from an installation), the error names the bundle and says what to do.
 */
import { UserFacingError } from './errors';
import * as l10n from './l10n';

export function lazyModule<T>(requireBundle: () => unknown, bundleFile: string, directPath: string): () => T {
  let loaded: T | undefined;
  return () => {
    if (loaded) return loaded;
    try {
      loaded = requireBundle() as T;
    } catch (err) {
      // Only the bundle itself being absent means "not bundled"; a bundle that fails inside is a real error.
      const missing = (err as { code?: string }).code === 'MODULE_NOT_FOUND' && String((err as Error).message).includes(bundleFile);
      if (!missing) throw err;
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
    const absent = (err as { code?: string }).code === 'MODULE_NOT_FOUND' && String((err as Error).message).includes(directPath);
    if (!absent) throw err;
    throw new UserFacingError(l10n.t("The extension's file dist/{0} is missing: reinstall Exchange Calendar Setup.", bundleFile));
  }
}
