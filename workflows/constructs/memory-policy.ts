/**
 * Memory per function, in MB. Lambda bills duration × memory and gives CPU in proportion to
 * memory (about one vCPU at 1,769 MB), so a function that mostly waits for other services pays
 * for memory it does not use. The figures come from `npm run bench` (each function's median warm
 * duration, `cost.<flow>.functions` in `bench/results.json`, orders placed one after another):
 *
 * | function | measured (median, warm; two full runs of 1 December 2026) | what its time is | memory |
 * |---|---|---|---|
 * | a flow's Intake | 9–15 ms | a contract check, then the personal-data record, the claim and StartExecution: waiting for DynamoDB and Step Functions | 256 |
 * | order routing's Route | 19–23 ms | five reads, a transaction, one or two writes: waiting for DynamoDB; the rules take microseconds | 256 |
 * | order routing's Confirm | 5–8 ms | one write, one read, the provider, one write | 256 |
 * | every other function | not measured per order (not on the order path), or CPU-bound like the listing image check | | 512 |
 *
 * Not lower than 256: a Node 22 process that has loaded one of these bundles (about 0.55 MB each,
 * the SDK inside) holds 70–76 MB before its first event (measured on 1 December 2026: `node`
 * importing the Intake, Route and Confirm bundles, resident set size), so 128 MB would leave little
 * for the Lambda runtime and the work, and at 128 MB the CPU share (about 0.07 vCPU) stretches
 * even a few milliseconds of JSON and signing work. The bench bills the durations measured on the local platform, where each
 * handler has a whole core: at 256 MB AWS's durations of the CPU part are longer, which the
 * measured times do not show (README, Performance).
 */
export const MEMORY_MB = {
  /** Functions that mostly wait for DynamoDB, Step Functions or a provider (table above). */
  waitingOnServices: 256,
  /** Everything not measured as waiting: CDK's 128 MB default is too little for the bundled SDK. */
  default: 512,
} as const;
