/** Least-squares slope of `bytes` over `atMs`, in bytes per minute (0 for fewer than two samples). */
export function slopePerMinute(samples: readonly { atMs: number; bytes: number }[]): number {
  if (samples.length < 2) return 0;
  const meanT = samples.reduce((sum, sample) => sum + sample.atMs, 0) / samples.length;
  const meanB = samples.reduce((sum, sample) => sum + sample.bytes, 0) / samples.length;
  let covariance = 0;
  let variance = 0;
  for (const { atMs, bytes } of samples) {
    covariance += (atMs - meanT) * (bytes - meanB);
    variance += (atMs - meanT) ** 2;
  }
  return variance === 0 ? 0 : (covariance / variance) * 60_000;
}
