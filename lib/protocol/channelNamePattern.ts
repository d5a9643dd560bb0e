/**
 * What a channel name may be: 1 to 128 of `A-Z a-z 0-9 _ . : -`, not starting with `_` (the
 * middleware's own routes start with it). Server and browser agree on it, so cursors and ids that
 * carry channel names can be split on any other character (`/`, `=`, `,`).
 */
export const CHANNEL_NAME_PATTERN = /^(?!_)[A-Za-z0-9_.:-]{1,128}$/;
