/**
 * Hands a file-package job to its builder (AWS: a request object under `bundles/requests/` whose S3 notification
 * invokes the bundle-build function asynchronously). Absent from a context, the package is built in this process
 * (the local stack), guarded by the job record all the same.
 */
export interface BundleHandOff {
  /** Asks for the job to be built; the builder reads the job record, builds the zip and records the outcome. */
  request(jobId: string): Promise<void>;
}
