import type { Response } from 'express';

/** Answers with `status` and `{ "error": message }`, the shape of every refusal the middleware makes. */
export function sendJsonError(
  res: Response,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  res.status(status).set(headers).json({ error: message });
}
