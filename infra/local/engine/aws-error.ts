/**
 * An error an emulated AWS API returns to its caller. The HTTP server renders it in the AWS JSON
 * error shape (`{"__type": code, "message": ...}` with `status`), which the SDK v3 maps to the
 * modelled exception class of the same name.
 */
export class AwsServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}
