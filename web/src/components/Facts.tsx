import type { ReactNode } from 'react';

/** A row of short labelled facts (a description list); `small` for facts inside a section. */
export function Facts({
  children,
  small = false,
  testId,
}: {
  children: ReactNode;
  small?: boolean;
  testId?: string;
}) {
  return (
    <dl className={small ? 'passage-evidence-facts' : 'passage-facts'} data-testid={testId}>
      {children}
    </dl>
  );
}

/** One fact; `wide` ones take a line of their own (reasons, notes). */
export function Fact({
  term,
  children,
  wide = false,
}: {
  term: string;
  children: ReactNode;
  wide?: boolean;
}) {
  return (
    <div className={wide ? 'width-full' : undefined}>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}
