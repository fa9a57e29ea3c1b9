// scripts/build.ts builds into a staging directory and then moves the result into place (decision 018).
const staging = process.env.PORTAL_BUILD_STAGING;

/** @type {import('@remix-run/dev').AppConfig} */
export default {
  ...(staging ? { serverBuildPath: `${staging}/build/index.js`, assetsBuildDirectory: `${staging}/public/build` } : {}),
  ignoredRouteFiles: ["**/.*", "**/*.test.*"],
  serverModuleFormat: "esm",
  serverDependenciesToBundle: [],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_singleFetch: true,
    v3_lazyRouteDiscovery: true,
  },
};
