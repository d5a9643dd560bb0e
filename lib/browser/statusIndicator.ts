import {
  ATTEMPT_ATTRIBUTE,
  ATTEMPT_TEXT_ATTRIBUTE,
  type ConnectionState,
  INDICATOR_STATE_ATTRIBUTE,
  STATE_ATTRIBUTE,
} from '../protocol/monitorContract';

/**
 * Shows `state` in a status container rendered by `<ConnectionStatus>`: only the indicator for
 * the state stays visible (the `hidden` attribute, so it works without any stylesheet), and
 * attempt placeholders get the attempt as text. Never writes HTML, and writes nothing unchanged.
 */
export function showState(
  container: Element,
  state: ConnectionState,
  attempt: number,
  maxAttempts: number | null,
): void {
  container.setAttribute(STATE_ATTRIBUTE, state);
  container.setAttribute(ATTEMPT_ATTRIBUTE, String(attempt));
  for (const indicator of container.querySelectorAll(`[${INDICATOR_STATE_ATTRIBUTE}]`)) {
    indicator.toggleAttribute('hidden', indicator.getAttribute(INDICATOR_STATE_ATTRIBUTE) !== state);
  }
  const attemptText = attempt > 0 ? (maxAttempts === null ? String(attempt) : `${attempt}/${maxAttempts}`) : '';
  for (const placeholder of container.querySelectorAll(`[${ATTEMPT_TEXT_ATTRIBUTE}]`)) {
    // Writing the same text again would still replace the text node, a mutation the runtime observes.
    if (placeholder.textContent !== attemptText) placeholder.textContent = attemptText;
  }
}
