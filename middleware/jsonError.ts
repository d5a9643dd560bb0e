import type { Response } from 'express';

/**
 * Answers with `status` and `{ "error": message }`, the shape of every refusal the middleware
 * makes, plus any `details` (such as the refused `channel`).
 */
export function sendJsonError(
  res: Response,
  status: number,
  message: string,
  headers: Record<string, string> = {},
  details: Record<string, string> = {},
): void {
  res
    .status(status)
    .set(headers)
    .json({ ...details, error: message });
}
