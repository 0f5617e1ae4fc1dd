// @ts-check
/**
 * electron-builder `afterPack` hook: flips the Electron fuses of the packaged binary with
 * @electron/fuses before it is signed and wrapped in an installer (issue #12). What each fuse
 * closes:
 * - RunAsNode off: ELECTRON_RUN_AS_NODE cannot turn the signed app into a plain Node runtime;
 * - EnableNodeOptionsEnvironmentVariable off: NODE_OPTIONS cannot inject code or flags;
 * - EnableNodeCliInspectArguments off: --inspect cannot attach a debugger to the main process;
 * - OnlyLoadAppFromAsar on, EnableEmbeddedAsarIntegrityValidation on: the app's code is only
 *   read from app.asar, and only if it matches the hash embedded at build time;
 * - EnableCookieEncryption on: cookies on disk are encrypted with the OS keychain's key.
 * test/unit/packaging.test.ts runs this hook on a binary carrying a fuse wire.
 */
const path = require('node:path');
const { flipFuses, FuseVersion, FuseV1Options } = require('@electron/fuses');

const FUSES = {
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
};

/** The Electron executable inside electron-builder's unpacked app folder. */
function executableOf(context) {
  const name = context.packager.appInfo.productFilename;
  switch (context.electronPlatformName) {
    case 'darwin':
    case 'mas':
      return path.join(context.appOutDir, `${name}.app`);
    case 'win32':
      return path.join(context.appOutDir, `${name}.exe`);
    default:
      return path.join(context.appOutDir, context.packager.executableName);
  }
}

async function afterPack(context) {
  await flipFuses(executableOf(context), {
    version: FuseVersion.V1,
    // Apple silicon refuses an ad-hoc signature invalidated by the flip; re-sign it ad hoc.
    resetAdHocDarwinSignature: context.electronPlatformName === 'darwin' && context.arch === 3,
    ...FUSES,
  });
}

module.exports = afterPack;
module.exports.default = afterPack;
module.exports.FUSES = FUSES;
module.exports.executableOf = executableOf;
