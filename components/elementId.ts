import { describeValue } from '../lib/validation/describeValue';

/** A DOM id the components accept: 1-200 characters, no whitespace or quotes (it is also a CSS and OOB target). */
const ELEMENT_ID = /^[^\s"'<>`]{1,200}$/;

/** Throws a `TypeError` naming `prop` and the value unless it is a usable element id. */
export function assertElementId(prop: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || !ELEMENT_ID.test(value))
    throw new TypeError(
      `${prop} must be an element id (1-200 characters, no spaces or quotes), got ${describeValue(value)}`,
    );
}

/**
 * An id from a template such as `progress-{jobId}`: every `{jobId}` is replaced by the job id.
 * @throws TypeError when the template lacks `{jobId}` or the result is not a usable element id.
 */
export function fillIdTemplate(template: string, jobId: string): string {
  if (typeof template !== 'string' || !template.includes('{jobId}'))
    throw new TypeError(`idTemplate must contain {jobId}, got ${describeValue(template)}`);
  const id = template.replaceAll('{jobId}', jobId);
  assertElementId('idTemplate', id);
  return id;
}
