/** Id of the element the result of a control is shown in. */
export const CONTROL_RESULT_ID = 'control-result';

interface ControlButtonProps {
  action: string;
  label: string;
  hint: string;
}

function ControlButton({ action, label, hint }: ControlButtonProps): JSX.Element {
  return (
    <button
      type="button"
      class="button"
      hx-post={`/controls/${action}`}
      hx-target={`#${CONTROL_RESULT_ID}`}
      hx-swap="innerHTML"
      title={hint}
      data-control={action}
      safe
    >
      {label}
    </button>
  );
}

/** The resilience buttons (dev mode only) and where their results appear. */
export function ControlsCard(): JSX.Element {
  return (
    <div class="controls">
      <ControlButton
        action="restart-stream"
        label="↻ Restart stream"
        hint="The server closes the page streams and asks them to come back"
      />
      <ControlButton
        action="drop-connections"
        label="✂ Drop all connections"
        hint="Cut every stream's socket without a word"
      />
      <ControlButton
        action="pause"
        label="‖ Pause server 5 s"
        hint="Cut every stream and refuse new ones for five seconds"
      />
      <span id={CONTROL_RESULT_ID} class="control-result" aria-live="polite" />
    </div>
  );
}
