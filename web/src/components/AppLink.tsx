import type { AnchorHTMLAttributes, MouseEvent } from 'react';
import { navigate } from '../router';

type AppLinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { href: string };

/** An ordinary link that the router follows without a page load (modifier clicks still open tabs). */
export function AppLink({ href, onClick, className, children, ...rest }: AppLinkProps) {
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (rest.target && rest.target !== '_self') return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={handleClick} className={className ?? 'usa-link'} {...rest}>
      {children}
    </a>
  );
}
