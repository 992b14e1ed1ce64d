/** The version written into export manifests. */
export const TOOL_VERSION = `warden ${process.env.npm_package_version ?? '0.1.0'}`;
