import { useLayoutEffect, useRef, type Ref, type TextareaHTMLAttributes } from 'react';

/**
 * A textarea that marks the text from `cut` on (what is past a platform's limit): a mirror
 * behind it draws the same text with the overflow highlighted, and the textarea grows with its
 * text so both stay aligned without scrolling.
 */
export function HighlightArea({
  value,
  cut,
  className,
  minRows = 3,
  ref,
  ...props
}: Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'value'> & { value: string; cut: number | null; minRows?: number; ref?: Ref<HTMLTextAreaElement> }) {
  const area = useRef<HTMLTextAreaElement>(null);
  const mirror = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = area.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${el.scrollHeight + 2}px`;
    if (mirror.current) mirror.current.scrollTop = el.scrollTop;
  }, [value]);
  return (
    <div className={`highlight-area${cut !== null ? ' has-overflow' : ''}`}>
      <div className={`highlight-mirror ${className ?? ''}`} ref={mirror} aria-hidden="true">
        {cut === null ? value : value.slice(0, cut)}
        {cut !== null ? <mark className="overflow">{value.slice(cut)}</mark> : null}
        {/* A trailing newline needs a character after it to take up its line. */}
        {'\u200b'}
      </div>
      <textarea
        {...props}
        ref={(el) => {
          area.current = el;
          if (typeof ref === 'function') ref(el);
          else if (ref) ref.current = el;
        }}
        rows={minRows}
        className={className}
        value={value}
        onScroll={(e) => {
          if (mirror.current) mirror.current.scrollTop = e.currentTarget.scrollTop;
        }}
      />
    </div>
  );
}
