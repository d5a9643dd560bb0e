/**
 * Out-of-band swap wrappers: markup that, inside an SSE message (or any htmx response), updates
 * elements of the page other than the one the message is swapped into.
 */
import type { PropsWithChildren } from '@kitajs/html';
import { assertOobTargetId, oobSwapValue, type SwapStyle } from '../lib/pipeline/oobStreamBuilder';

/** Props of {@link OobSwap}. */
export interface OobSwapProps {
  /** Id of the page element to update; this element carries the same id. */
  id: string;
  /**
   * How: `outerHTML` (default) replaces the page element by this one; `innerHTML`, `beforeend`,
   * … put this element's children into it.
   */
  swap?: SwapStyle;
  /** Extra classes of the element (kept on the page with `outerHTML`). */
  class?: string;
}

/**
 * `<div id hx-swap-oob>`: the element with this id on the page is updated with this one (or its
 * children, for swaps other than `outerHTML`). Children are markup: escape user text with `safe`.
 * @throws TypeError naming a bad id or swap style.
 */
export function OobSwap({
  id,
  swap = 'outerHTML',
  class: className,
  children,
}: PropsWithChildren<OobSwapProps>): JSX.Element {
  assertOobTargetId(id);
  return (
    <div id={id} class={className} hx-swap-oob={oobSwapValue(swap)}>
      {children}
    </div>
  );
}

/** Props of {@link OobTarget}. */
export interface OobTargetProps {
  /** Id of the page element that receives the children. */
  target: string;
  /** Where the children go. Default `innerHTML`; `outerHTML` is refused (the wrapper would stay). */
  swap?: Exclude<SwapStyle, 'outerHTML'>;
}

/**
 * A wrapper `<div hx-swap-oob="{swap}:#{target}">` whose children go into another element, e.g.
 * `<OobTarget target="job-log" swap="beforeend"><li safe>{line}</li></OobTarget>` appends a line.
 * The wrapper itself never reaches the page.
 * @throws TypeError naming a bad target or swap style.
 */
export function OobTarget({ target, swap = 'innerHTML', children }: PropsWithChildren<OobTargetProps>): JSX.Element {
  if (swap === ('outerHTML' as SwapStyle))
    throw new TypeError('OobTarget cannot swap outerHTML: the wrapper would replace the target; use <OobSwap>');
  return <div hx-swap-oob={oobSwapValue(swap, target)}>{children}</div>;
}
